/**
 * SMT's answer to an energy-data request for days it has no data for yet (the TDSP has not sent
 * them): HTTP 200 with errorCode "1". The service works; the data is late or not due. The simulator
 * answers it, the energy-data checks read it as "no data", and an availability check must accept
 * it (src/config/availability-freshness.ts warns when one does not).
 */
export const SMT_NO_DATA_YET = { errorCode: "1", errorMessage: "No data received from the respective TDSP" } as const;
