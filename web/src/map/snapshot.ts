/**
 * The map as a PNG: @sigma/export-image draws the current view (camera,
 * filters, highlights: the renderer's settings and reducers) on a temporary
 * renderer of the same size and composes its layers on the map's background
 * colour. WebGL canvases cannot be read back reliably after they are shown,
 * hence the library's fresh render rather than copying the page's canvases.
 * The risk rings of our own overlay canvas are not part of the image.
 */
import { toBlob } from '@sigma/export-image';
import type Sigma from 'sigma';
import { saveBlob } from '../api/download.js';
import type { MapView } from './renderer.js';

export async function saveMapPng(renderer: MapView['renderer']): Promise<void> {
  const backgroundColor = getComputedStyle(renderer.getContainer()).backgroundColor || '#ffffff';
  // The library types its argument as Sigma with default attribute types; ours has typed node and edge attributes.
  const blob = await toBlob(renderer as unknown as Sigma, { format: 'png', backgroundColor });
  saveBlob(blob, 'ecograph-map.png');
}
