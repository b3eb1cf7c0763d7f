/** Base class of every error cairn raises on purpose. `code` is stable and documented. */
export class CairnError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
