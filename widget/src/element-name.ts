/** The custom element's tag; its own module so the panel chunk can name it without bundling the element. */
export const ELEMENT_NAME = 'chatconnect-widget';
