// The one part of MOJ Frontend's JavaScript the interface uses (the package ships no types).
declare module '@ministryofjustice/frontend' {
  /** The MOJ date picker: a calendar beside a date box (`.moj-datepicker` holding the input). */
  export class DatePicker {
    constructor(root: Element, config?: Record<string, unknown>);
  }
}
