export interface Email {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}
