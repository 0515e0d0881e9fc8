import { InputError } from "../../engine/errors.js";
export async function run(_argv: string[]): Promise<void> {
  throw new InputError("bench: not built yet");
}
