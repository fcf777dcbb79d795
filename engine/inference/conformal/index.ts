// Importing this module registers every conformal method in the inference registry.
import './splitConformal.ts'
import './cqr.ts'
import './cvPlus.ts'
import './jackknifePlus.ts'
import './aci.ts'
