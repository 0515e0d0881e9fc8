import { InputError } from "../../engine/errors.js";
export async function run(_argv: string[]): Promise<void> {
  throw new InputError("study: not built yet");
}
