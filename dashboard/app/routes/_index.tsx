import { redirect, type LoaderFunctionArgs } from '@remix-run/node';

export function loader({ context }: LoaderFunctionArgs) {
  throw redirect(context.session ? '/sites' : '/login');
}
