/** An ESIID: "10" + the TDSP's code, 17 digits (CenterPoint's: 22). */
export const ESIID_PATTERN = /^10\d{15}(\d{5})?$/;
