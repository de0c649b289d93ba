/**
 * `list`, checked to name every member of `Union` (a type generated from the OpenAPI document): the API adding
 * a choice fails the portal's type check until the list has it.
 */
export const allOf =
  <Union>() =>
  <const List extends readonly Union[]>(
    list: List & ([Exclude<Union, List[number]>] extends [never] ? unknown : never),
  ): List =>
    list;
