import { useEffect, useState } from 'react';

let hydrated = false;

/** False during the server render and the hydrating render, true afterwards: for output that depends on the browser (time zone, clipboard). */
export function useHydrated(): boolean {
  const [isHydrated, setHydrated] = useState(hydrated);
  useEffect(() => {
    hydrated = true;
    setHydrated(true);
  }, []);
  return isHydrated;
}
