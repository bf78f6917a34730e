import hbs = require('hbs');
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Template = (context: object) => string;

export interface RenderedParts {
  text: string;
  html: string;
}

/** Template names are paths under `views/`, written in code: lower case, digits, `-` and `/`. */
const TEMPLATE_NAME = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;

/**
 * Renders a mail's two parts from `<views>/<template>.text.hbs` and
 * `<views>/<template>.html.hbs`, the HTML one inside `<views>/layouts/mail.hbs`.
 *
 * It has a Handlebars environment of its own (no page partial or helper leaks in, and none
 * leaks out), keeps each template once compiled, and compiles in strict mode: a value the
 * template names but the context lacks is an error, never a hole in a mail (`{{#if}}` still
 * tests optional ones). The HTML part is HTML-escaped; the text part is not escaped at all.
 */
export class MailRenderer {
  private readonly handlebars = hbs.create().handlebars;
  private readonly templates = new Map<string, Template>();

  constructor(private readonly viewsDir: string) {}

  render(
    template: string,
    context: object,
    layout: { subject: string; senderName: string },
  ): RenderedParts {
    if (!TEMPLATE_NAME.test(template)) {
      throw new Error(`Not a mail template name: ${JSON.stringify(template)}`);
    }
    const text = `${this.compiled(`${template}.text.hbs`, false)(context).trimEnd()}\n`;
    const body = this.compiled(`${template}.html.hbs`, true)(context);
    const html = this.compiled('layouts/mail.hbs', true)({ ...layout, body });
    return { text, html };
  }

  private compiled(file: string, escape: boolean): Template {
    let template = this.templates.get(file);
    if (!template) {
      const source = readFileSync(join(this.viewsDir, file), 'utf8');
      template = this.handlebars.compile(source, { strict: true, noEscape: !escape });
      this.templates.set(file, template);
    }
    return template;
  }
}
