// Every scrub rule, in the order findings are listed (required data first, then code checks).
import type { ScrubRule } from './types.js';
import requiredPatient from './required-patient.js';
import requiredSubscriber from './required-subscriber.js';
import requiredPayer from './required-payer.js';
import requiredBilling from './required-billing.js';
import requiredRendering from './required-rendering.js';
import requiredService from './required-service.js';
import requiredDiagnosis from './required-diagnosis.js';
import requiredPointers from './required-pointers.js';
import chargesPositive from './charges-positive.js';
import unitsPositive from './units-positive.js';
import frequencyOriginal from './frequency-original.js';
import lineLimit from './line-limit.js';
import modifierFormat from './modifier-format.js';
import procedureCodeFormat from './procedure-code-format.js';
import hcpcsValid from './hcpcs-valid.js';
import npiCheckDigit from './npi-check-digit.js';
import einFormat from './ein-format.js';
import posValid from './pos-valid.js';
import dosNotFuture from './dos-not-future.js';
import icd10Loaded from './icd10-loaded.js';
import icd10Valid from './icd10-valid.js';
import icd10Billable from './icd10-billable.js';
import icd10Unspecified from './icd10-unspecified.js';
import icd10FirstListed from './icd10-first-listed.js';
import diagnosisLimit from './diagnosis-limit.js';
import pointerLimit from './pointer-limit.js';
import pointerTarget from './pointer-target.js';
import ncciLoaded from './ncci-loaded.js';
import ncciPtp from './ncci-ptp.js';
import mueLine from './mue-line.js';
import mueDay from './mue-day.js';
import addonPrimary from './addon-primary.js';
import duplicateService from './duplicate-service.js';
import timelyFiling from './timely-filing.js';
import timelyFilingNear from './timely-filing-near.js';
import sexSpecific from './sex-specific.js';
import ageSpecific from './age-specific.js';
import dentalToothRequired from './dental-tooth-required.js';
import dentalToothValid from './dental-tooth-valid.js';
import dentalSurfaceValid from './dental-surface-valid.js';
import dentalSurfaceCount from './dental-surface-count.js';

export const rules: readonly ScrubRule[] = [
  requiredPatient,
  requiredSubscriber,
  requiredPayer,
  requiredBilling,
  requiredRendering,
  requiredService,
  requiredDiagnosis,
  requiredPointers,
  chargesPositive,
  unitsPositive,
  frequencyOriginal,
  lineLimit,
  modifierFormat,
  procedureCodeFormat,
  hcpcsValid,
  npiCheckDigit,
  einFormat,
  posValid,
  dosNotFuture,
  icd10Loaded,
  icd10Valid,
  icd10Billable,
  icd10Unspecified,
  icd10FirstListed,
  diagnosisLimit,
  pointerLimit,
  pointerTarget,
  ncciLoaded,
  ncciPtp,
  mueLine,
  mueDay,
  addonPrimary,
  duplicateService,
  timelyFiling,
  timelyFilingNear,
  sexSpecific,
  ageSpecific,
  dentalToothRequired,
  dentalToothValid,
  dentalSurfaceValid,
  dentalSurfaceCount,
];
