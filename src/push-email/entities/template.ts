/**
 * A deliberately tiny template language, so that the wording of emails lives in files apart from code:
 * `{{name}}` inserts a value; `{{#list}}…{{/list}}` repeats its body for each item of a list, with the item's fields
 * as values. In HTML templates every inserted value is escaped.
 */
export type TemplateValues = { readonly [key: string]: string | readonly TemplateValues[] };

export function renderTemplate(
  template: string,
  values: TemplateValues,
  escapeValue: (text: string) => string,
): string {
  const sections = template.replace(/\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_match, key: string, body: string) => {
    const items = values[key];
    if (!Array.isArray(items)) throw new Error(`template section {{#${key}}} needs a list`);
    return items.map((item: TemplateValues) => renderTemplate(body, { ...values, ...item }, escapeValue)).join('');
  });
  return sections.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (typeof value !== 'string') throw new Error(`template value {{${key}}} is missing`);
    return escapeValue(value);
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export const noEscape = (text: string): string => text;
