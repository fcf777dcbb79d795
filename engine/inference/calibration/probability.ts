/**
 * The probability ↔ log-odds helpers every calibrator shares, with one clipping rule so that a
 * chain of calibrators never meets log(0).
 *
 * PROB_EPS = 2⁻⁵² (Number.EPSILON, numpy's finfo(float64).eps): p is clipped to
 * [PROB_EPS, 1 − PROB_EPS] before any log. It is the smallest margin for which 1 − eps is still
 * below 1 (so ln(1 − p) stays finite), it keeps every logit within ±36.04, and it is the value the
 * reference beta-calibration implementation (betacal) clips with, so fixtures need no second rule.
 * Only exact 0/1 (an isotonic stage upstream, a saturated model) move; ordinary p are untouched.
 */
export const PROB_EPS = Number.EPSILON

export function clipProb(p: number): number {
  return p < PROB_EPS ? PROB_EPS : p > 1 - PROB_EPS ? 1 - PROB_EPS : p
}

/** log(p / (1 − p)) of the clipped p. */
export function logit(p: number): number {
  const q = clipProb(p)
  return Math.log(q / (1 - q))
}

/** 1 / (1 + e^(−z)) without overflow for any z. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z))
  const e = Math.exp(z)
  return e / (1 + e)
}

/** log(1 + e^z) without overflow or loss of precision for large |z|. */
export function softplus(z: number): number {
  return (z > 0 ? z : 0) + Math.log1p(Math.exp(-Math.abs(z)))
}
