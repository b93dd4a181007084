/**
 * RFC 4180 CSV: comma-separated fields, optionally in double quotes ("" is a quote inside one, and a
 * quoted field may span lines). Every record carries the line it starts on, so a bad row can be
 * reported as file:line. Blank lines are skipped; CRLF and LF both end a record.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvParseResult {
  records: CsvRecord[];
  /** A quote left open at the end of the text: the records from `line` on are lost. */
  error?: { line: number; message: string };
}

export function parseCsv(text: string): CsvParseResult {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedField = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not data

  const endField = () => {
    fields.push(quotedField ? field : field.trim());
    field = "";
    quotedField = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
  };

  for (; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field.trim() === "") {
      inQuotes = true;
      quotedField = true;
      field = "";
    } else if (c === ",") endField();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += c;
  }
  if (inQuotes) return { records, error: { line: recordLine, message: "a quoted field is not closed before the end of the file" } };
  if (field !== "" || fields.length > 0) endRecord();
  return { records };
}
