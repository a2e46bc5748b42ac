/** Marker that tells golden-go a file is its own output and may be regenerated. */
export const GENERATED_MARKER = 'golden-go:generated';

/** Path of the service binary inside the image. */
export const BINARY_PATH = '/app';
