/** Type tokens of this project's ComponentResources, `clinical-mlops:<folder>:<Class>`. */
export const TYPE_TOKENS = {
  service: "clinical-mlops:components:Service",
  job: "clinical-mlops:components:Job",
  images: "clinical-mlops:components:ImageRegistry",
  infrastructure: "clinical-mlops:levels:Infrastructure",
  dataIngestion: "clinical-mlops:levels:DataIngestion",
} as const;
