import type { StyleSpecification } from 'maplibre-gl';
import { OFFLINE_STYLE } from './layers.ts';

/**
 * The configured basemap style, or the offline one when none is configured or it cannot be
 * fetched within a few seconds (no internet, the provider down).
 */
export async function loadBasemap(styleUrl: string | null): Promise<{ style: StyleSpecification; offline: boolean }> {
  if (!styleUrl) return { style: OFFLINE_STYLE, offline: true };
  try {
    const response = await fetch(styleUrl, { signal: AbortSignal.timeout(4000) });
    if (!response.ok) throw new Error(String(response.status));
    return { style: (await response.json()) as StyleSpecification, offline: false };
  } catch {
    return { style: OFFLINE_STYLE, offline: true };
  }
}
