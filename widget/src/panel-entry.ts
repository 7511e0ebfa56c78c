/**
 * Entry of the lazily loaded panel chunk. The loader's element class waits for this call; going
 * through the custom-elements registry avoids putting anything on `window`.
 */
import { ELEMENT_NAME } from './element-name';
import { mountPanel } from './panel';
import type { MountPanel } from './types';

const widgetClass = customElements.get(ELEMENT_NAME) as
  (CustomElementConstructor & { registerPanel?: (mount: MountPanel) => void }) | undefined;
widgetClass?.registerPanel?.(mountPanel);
