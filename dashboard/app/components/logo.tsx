export function Logo({ withName = true }: { withName?: boolean }) {
  return (
    <span className="logo">
      <svg className="logo-mark" width="24" height="24" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" fill="currentColor" />
        <path d="M9 11h14v8h-8l-4 3v-3H9z" fill="#fff" />
      </svg>
      {withName ? <span className="logo-name">ChatConnect</span> : <span className="visually-hidden">ChatConnect</span>}
    </span>
  );
}
