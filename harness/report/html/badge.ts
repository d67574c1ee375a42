import type { Verdict } from '../../result/schema.ts';
import { VERDICT_TEXT } from '../wording.ts';

/** A verdict badge: colour for the eye, the word for print and for screen readers. */
export const badge = (v: Verdict, big = false) => `<span class="badge ${v}${big ? ' big' : ''}">${VERDICT_TEXT[v]}</span>`;
