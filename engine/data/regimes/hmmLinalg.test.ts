import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cholesky, floorFullCovariance, invertLower, symmetricEigen } from './hmmLinalg.ts'

const S = [4, 1.2, -0.5, 1.2, 3, 0.7, -0.5, 0.7, 2]

test('cholesky reproduces the matrix and its lower inverse is an inverse; non-PD gives null', () => {
  const L = cholesky(S, 3)!
  const M = invertLower(L, 3)
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let llt = 0, ml = 0
    for (let k = 0; k < 3; k++) { llt += L[i * 3 + k] * L[j * 3 + k]; ml += M[i * 3 + k] * L[k * 3 + j] }
    assert.ok(Math.abs(llt - S[i * 3 + j]) < 1e-14)
    assert.ok(Math.abs(ml - (i === j ? 1 : 0)) < 1e-14)
  }
  assert.equal(cholesky([1, 2, 2, 1], 2), null)
})

test('Jacobi eigen-decomposition: V diag(λ) Vᵀ = A with orthonormal V', () => {
  const { values, vectors: V } = symmetricEigen(S, 3)
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let a = 0, vtv = 0
    for (let k = 0; k < 3; k++) { a += V[i * 3 + k] * values[k] * V[j * 3 + k]; vtv += V[k * 3 + i] * V[k * 3 + j] }
    assert.ok(Math.abs(a - S[i * 3 + j]) < 1e-13)
    assert.ok(Math.abs(vtv - (i === j ? 1 : 0)) < 1e-13)
  }
})

test('full-covariance floor raises only the eigenvalues below c in whitened coordinates', () => {
  const scale = [2, 1]
  const untouched = Float64Array.from([4, 0.5, 0.5, 1])
  assert.deepEqual(floorFullCovariance(untouched.slice(), 2, scale, 0.1), untouched)
  // W = S⁻¹ΣS⁻¹ = [[1, .99], [.99, 1]] has eigenvalues 1.99 and 0.01; c = 0.2 lifts the small one
  const C = floorFullCovariance(Float64Array.from([4, 1.98, 1.98, 1]), 2, scale, 0.2)
  const W = [C[0] / 4, C[1] / 2, C[2] / 2, C[3]]
  const { values } = symmetricEigen(W, 2)
  const sorted = Array.from(values).sort((a, b) => a - b)
  assert.ok(Math.abs(sorted[0] - 0.2) < 1e-12 && Math.abs(sorted[1] - 1.99) < 1e-12, String(sorted))
  assert.equal(C[1], C[2])
})
