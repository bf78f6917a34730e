import { applyDecorators, Render, SetMetadata, UseFilters } from '@nestjs/common';
import { FormErrorFilter } from './form-view';
import type { PageDefinition } from './pages';

export type { PageDefinition } from './pages';

export const PAGE_METADATA = 'web:page';

/**
 * On a GET route: renders the result with the page's template, adding the layout's data
 * (title, signed-in user, CSRF token when the page has a form, flash messages).
 */
export const Page = (page: PageDefinition) =>
  applyDecorators(SetMetadata(PAGE_METADATA, page), Render(page.view));

/** On a form's POST route: when the form is refused, the page comes back with its errors. */
export const FormView = (page: PageDefinition) => UseFilters(new FormErrorFilter(page));
