import { redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link } from '@remix-run/react';
import { AuthShell } from '../components/auth-shell';

export const meta: MetaFunction = () => [{ title: 'ChatConnect — an AI chat widget that answers from your documents' }];

// Signed-in admins go straight to their sites; everyone else gets a 200 welcome page (uptime
// checks and first visitors alike), with the way in.
export function loader({ context }: LoaderFunctionArgs) {
  if (context.session) throw redirect('/sites');
  return null;
}

export default function Welcome() {
  return (
    <AuthShell
      title="Welcome to ChatConnect"
      subtitle="Add a chat widget to your website that answers visitors from your own documents, with sources."
      footer={
        <>
          Already have an account? <Link to="/login">Log in</Link>
        </>
      }
    >
      <div className="stack">
        <ol className="welcome-steps">
          <li>
            <span>
              <strong>Create a site</strong> and list the domains the widget may run on.
            </span>
          </li>
          <li>
            <span>
              <strong>Add what it should know</strong>: upload PDF, Word, CSV or text files, and watch them being
              processed.
            </span>
          </li>
          <li>
            <span>
              <strong>Paste one script tag</strong> into your site. Visitors get streamed answers with their sources.
            </span>
          </li>
        </ol>
        <Link to="/signup" className="button primary block">
          Create an account
        </Link>
      </div>
    </AuthShell>
  );
}
