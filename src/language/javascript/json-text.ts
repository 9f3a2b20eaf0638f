/**
 * A result that is already JSON text (see SANDBOX_PRELUDE's `callJson`): a sandbox child
 * forwards the text as it is and only the engine parses it, once.
 */
export class JsonText {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}
