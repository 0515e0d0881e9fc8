/**
 * Typed errors. Each names what failed and, where there is one, what to do about it.
 * `exitCode` is what the CLI exits with: 2 for bad input, 1 for everything else.
 */
export class HarmoniumError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from a user: a CLI flag, an API argument, a data or model file. Exit status 2. */
export class InputError extends HarmoniumError {
  override readonly exitCode = 2;
}

/** A request beyond what the device allows (buffer size, binding size, workgroup count). Exit 2: the input asked for it. */
export class LimitError extends InputError {}

/** A WebGPU validation error, or a host binding that does not match a kernel's reflection. */
export class ValidationError extends HarmoniumError {
  constructor(readonly kernel: string, detail: string, options?: ErrorOptions) {
    super(`${kernel}: ${detail}`, options);
  }
}

/** The device ran out of memory while creating or running `kernel`. */
export class OutOfMemoryError extends HarmoniumError {
  constructor(readonly kernel: string, detail: string) {
    super(`${kernel}: out of GPU memory: ${detail}`);
  }
}

/** The device was lost (driver reset, destroy, browser tab backgrounded). */
export class DeviceLostError extends HarmoniumError {}

/** No WebGPU adapter could be found. */
export class NoAdapterError extends HarmoniumError {}

// Minified bundles rename classes, and Node prints an uncaught error by its class's name: give each
// error class its own name back (the object's keys survive minification), which new.target.name reads.
for (const [name, errorClass] of Object.entries({ HarmoniumError, InputError, LimitError, ValidationError, OutOfMemoryError, DeviceLostError, NoAdapterError })) {
  Object.defineProperty(errorClass, 'name', { value: name });
}
