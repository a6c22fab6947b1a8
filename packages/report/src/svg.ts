import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { checkArguments, objectIssue, stringIssue } from '@ensemble/protocol';
import type { VegaLiteSpec } from './charts/types';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Makes vega's SVG output reproducible and safe to inline next to other SVGs: vega numbers clip
 * paths and gradients with a process-wide counter, so the ids are renumbered from 1 under
 * `idPrefix`; coordinates in `d` and `transform` attributes are rounded to 2 decimals (a hundredth
 * of a pixel), which also makes the file much smaller.
 */
export function normalizeSvg(svg: string, idPrefix: string): string {
  const ids = [...new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1] ?? ''))];
  let out = svg;
  ids.forEach((id, index) => {
    const renamed = `${idPrefix}-${index + 1}`;
    out = out
      .replace(new RegExp(`(\\sid=")${escapeRegExp(id)}"`, 'g'), `$1${renamed}"`)
      .replace(new RegExp(`url\\(#${escapeRegExp(id)}\\)`, 'g'), `url(#${renamed})`)
      .replace(new RegExp(`href="#${escapeRegExp(id)}"`, 'g'), `href="#${renamed}"`);
  });
  return out.replace(/\s(d|transform)="([^"]*)"/g, (_, name: string, value: string) => {
    const rounded = value.replace(/-?\d+\.\d{3,}(e-?\d+)?/g, (number) => String(Math.round(Number(number) * 100) / 100));
    return ` ${name}="${rounded}"`;
  });
}

/**
 * Renders a vega-lite spec to an SVG string in Node (vega's headless `toSVG`, no canvas or
 * browser needed), with ids prefixed by `idPrefix` and coordinates rounded (see
 * {@link normalizeSvg}), so the same spec always gives the same bytes. Text is measured by vega's
 * estimate, so labels may sit a few pixels off.
 */
export async function renderSvg(spec: VegaLiteSpec, idPrefix = 'chart'): Promise<string> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside vega-lite as a TypeError.
  checkArguments('renderSvg', [objectIssue(spec, 'spec', 'a vega-lite spec (an object)'), stringIssue(idPrefix, 'idPrefix', 'the prefix of the ids in the SVG (a string), or left out')]);
  const view = new vega.View(vega.parse(compile(spec as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return normalizeSvg(await view.toSVG(), idPrefix);
  } finally {
    view.finalize();
  }
}
