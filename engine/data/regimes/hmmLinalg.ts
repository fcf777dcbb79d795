/**
 * Small dense symmetric-matrix helpers for the Gaussian HMM (d is 1–4 in practice, so plain loops
 * over row-major Float64Arrays beat anything clever). Kept apart from the EM code so the numerics
 * can be read and tested on their own.
 */

/** Lower Cholesky factor of a d×d SPD matrix, or null when it is not positive definite. */
export function cholesky(a: ArrayLike<number>, d: number): Float64Array | null {
  const L = new Float64Array(d * d)
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k]
      if (i === j) {
        if (!(s > 0)) return null
        L[i * d + i] = Math.sqrt(s)
      } else {
        L[i * d + j] = s / L[j * d + j]
      }
    }
  }
  return L
}

/** Inverse of a lower-triangular matrix (also lower-triangular). */
export function invertLower(L: Float64Array, d: number): Float64Array {
  const M = new Float64Array(d * d)
  for (let i = 0; i < d; i++) {
    M[i * d + i] = 1 / L[i * d + i]
    for (let j = 0; j < i; j++) {
      let s = 0
      for (let k = j; k < i; k++) s += L[i * d + k] * M[k * d + j]
      M[i * d + j] = -s / L[i * d + i]
    }
  }
  return M
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations. Exact to rounding for the
 * tiny matrices used here and needs no library. Returns eigenvalues and the eigenvectors as the
 * COLUMNS of a row-major matrix.
 */
export function symmetricEigen(a: ArrayLike<number>, d: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a as ArrayLike<number>)
  const V = new Float64Array(d * d)
  for (let i = 0; i < d; i++) V[i * d + i] = 1
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    let scale = 0
    for (let i = 0; i < d; i++) {
      scale += A[i * d + i] * A[i * d + i]
      for (let j = i + 1; j < d; j++) off += A[i * d + j] * A[i * d + j]
    }
    if (off <= 1e-30 * scale || off === 0) break
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = A[p * d + q]
        if (apq === 0) continue
        const theta = (A[q * d + q] - A[p * d + p]) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < d; k++) {
          const akp = A[k * d + p], akq = A[k * d + q]
          A[k * d + p] = c * akp - s * akq
          A[k * d + q] = s * akp + c * akq
        }
        for (let k = 0; k < d; k++) {
          const apk = A[p * d + k], aqk = A[q * d + k]
          A[p * d + k] = c * apk - s * aqk
          A[q * d + k] = s * apk + c * aqk
        }
        for (let k = 0; k < d; k++) {
          const vkp = V[k * d + p], vkq = V[k * d + q]
          V[k * d + p] = c * vkp - s * vkq
          V[k * d + q] = s * vkp + c * vkq
        }
      }
    }
  }
  const values = new Float64Array(d)
  for (let i = 0; i < d; i++) values[i] = A[i * d + i]
  return { values, vectors: V }
}

/**
 * The variance floor as a constrained M-step. In coordinates whitened by the per-feature scale s
 * (W = S⁻¹ Σ S⁻¹, S = diag(s)), the Gaussian likelihood maximiser subject to W ⪰ c·I keeps the
 * eigenvectors of the sample W and raises eigenvalues below c to c. Because this is the exact
 * constrained optimum (not an ad-hoc ridge), EM stays monotone with the floor active.
 * Mutates and returns `cov` (d×d row-major).
 */
export function floorFullCovariance(cov: Float64Array, d: number, scale: ArrayLike<number>, c: number): Float64Array {
  const W = new Float64Array(d * d)
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) W[i * d + j] = cov[i * d + j] / (scale[i] * scale[j])
  const { values, vectors } = symmetricEigen(W, d)
  let active = false
  for (let i = 0; i < d; i++) if (!(values[i] >= c)) { values[i] = c; active = true }
  if (!active) return cov
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0
      for (let k = 0; k < d; k++) s += vectors[i * d + k] * values[k] * vectors[j * d + k]
      const v = s * scale[i] * scale[j]
      cov[i * d + j] = v
      cov[j * d + i] = v
    }
  }
  return cov
}
