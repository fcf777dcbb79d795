export const OUTPUT_NAMES = ['p_up', 'E_r', 'q05', 'q50', 'q95', 'regime_score'] as const
