// A small, hand-curated list of ICD-10 categories for demo activity (US ICD-10-CM category titles,
// a freely redistributable federal code set). Categories only: the claim protocol encodes the
// three-character category (DESIGN §7).
export interface Icd10Category {
  code: string;
  title: string;
}

export const ICD10_CATALOG: readonly Icd10Category[] = [
  { code: 'A09', title: 'Infectious gastroenteritis and colitis, unspecified' },
  { code: 'B34', title: 'Viral infection of unspecified site' },
  { code: 'C34', title: 'Malignant neoplasm of bronchus and lung' },
  { code: 'C50', title: 'Malignant neoplasm of breast' },
  { code: 'D64', title: 'Other anemias' },
  { code: 'E11', title: 'Type 2 diabetes mellitus' },
  { code: 'E78', title: 'Disorders of lipoprotein metabolism and other lipidemias' },
  { code: 'F32', title: 'Major depressive disorder, single episode' },
  { code: 'F41', title: 'Other anxiety disorders' },
  { code: 'G43', title: 'Migraine' },
  { code: 'G47', title: 'Sleep disorders' },
  { code: 'H10', title: 'Conjunctivitis' },
  { code: 'H66', title: 'Suppurative and unspecified otitis media' },
  { code: 'I10', title: 'Essential (primary) hypertension' },
  { code: 'I20', title: 'Angina pectoris' },
  { code: 'I21', title: 'Acute myocardial infarction' },
  { code: 'I25', title: 'Chronic ischemic heart disease' },
  { code: 'I48', title: 'Atrial fibrillation and flutter' },
  { code: 'I50', title: 'Heart failure' },
  { code: 'I63', title: 'Cerebral infarction' },
  { code: 'J02', title: 'Acute pharyngitis' },
  { code: 'J06', title: 'Acute upper respiratory infections of multiple and unspecified sites' },
  { code: 'J18', title: 'Pneumonia, unspecified organism' },
  { code: 'J20', title: 'Acute bronchitis' },
  { code: 'J44', title: 'Other chronic obstructive pulmonary disease' },
  { code: 'J45', title: 'Asthma' },
  { code: 'K21', title: 'Gastro-esophageal reflux disease' },
  { code: 'K29', title: 'Gastritis and duodenitis' },
  { code: 'K35', title: 'Acute appendicitis' },
  { code: 'K80', title: 'Cholelithiasis' },
  { code: 'L03', title: 'Cellulitis and acute lymphangitis' },
  { code: 'M17', title: 'Osteoarthritis of knee' },
  { code: 'M54', title: 'Dorsalgia' },
  { code: 'N18', title: 'Chronic kidney disease' },
  { code: 'N39', title: 'Other disorders of urinary system' },
  { code: 'O80', title: 'Encounter for full-term uncomplicated delivery' },
  { code: 'R05', title: 'Cough' },
  { code: 'R07', title: 'Pain in throat and chest' },
  { code: 'R10', title: 'Abdominal and pelvic pain' },
  { code: 'R50', title: 'Fever of other and unknown origin' },
  { code: 'S52', title: 'Fracture of forearm' },
  { code: 'S72', title: 'Fracture of femur' },
  { code: 'Z00', title: 'Encounter for general examination without complaint' },
];

/** Demo insurance products: each covers a few catalog categories (at most K = 8 here). */
export const DEMO_PRODUCTS = [
  {
    id: 'respiratory',
    name: 'Respiratory care',
    covered: ['J02', 'J06', 'J18', 'J20', 'J44', 'J45', 'R05', 'R50'],
  },
  { id: 'cardiac', name: 'Cardiac care', covered: ['I10', 'I20', 'I21', 'I25', 'I48', 'I50', 'E78', 'R07'] },
  {
    id: 'general',
    name: 'General outpatient',
    covered: ['A09', 'K21', 'K29', 'M54', 'N39', 'E11', 'H10', 'Z00'],
  },
] as const;
