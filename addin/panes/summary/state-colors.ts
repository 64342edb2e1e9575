/**
 * A colour per lead state for the stacked bars, keyed by the one list of states (a state added
 * there fails typecheck here until it has a colour). Fluent palette tokens: they follow the theme.
 * Colour is never the only cue: every segment is also named with its number beside the bar.
 */
import { tokens } from '@fluentui/react-components';
import type { LeadState } from '../../../ledger/lead-states';

export const LEAD_STATE_COLOR: Record<LeadState, string> = {
  待分派: tokens.colorPaletteMarigoldBorderActive,
  已派至乡镇: tokens.colorPaletteLavenderBorderActive,
  已下发村: tokens.colorPaletteCornflowerBorderActive,
  核实中: tokens.colorPaletteLightTealBorderActive,
  已核实: tokens.colorPaletteSeafoamBorderActive,
  已办结: tokens.colorPaletteGreenBorderActive,
};
