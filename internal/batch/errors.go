package batch

import (
	"fmt"
	"sort"
	"strings"
)

// Message keys of the errors and notes this package reports. The i18n catalogues hold the
// translations; Messages below has the English texts, used by FileError.Error for logs.
const (
	KeyTooLarge         = "batch.too_large"
	KeyUnzippedTooLarge = "batch.unzipped_too_large"
	KeyNotASpreadsheet  = "batch.not_a_spreadsheet"
	KeyOldExcel         = "batch.old_excel"
	KeySheetNotFound    = "batch.sheet_not_found"
	KeyBadEncoding      = "batch.bad_encoding"
	KeyUnknownEncoding  = "batch.unknown_encoding"
	KeyBadCSV           = "batch.bad_csv"
	KeyEmpty            = "batch.empty"
	KeyNoRows           = "batch.no_rows"
	KeyMissingColumn    = "batch.missing_column"
	KeyDuplicateColumn  = "batch.duplicate_column"
	KeyBadMapping       = "batch.bad_mapping"
	KeyTooManyRows      = "batch.too_many_rows"
	KeyTooManyColumns   = "batch.too_many_columns"
	KeyUnknownColumn    = "batch.unknown_column"   // a note, not an error: Header.Unknown
	KeyFormula          = "batch.formula"          // a note: Row.Formulas, cached value used
	KeyFormulaNoValue   = "batch.formula_no_value" // a note: Row.Formulas, no cached value
)

// Messages holds the English text of every key, with {name} placeholders for Args.
var Messages = map[string]string{
	KeyTooLarge:         "The file is larger than {max_mb} MB. Split it into smaller files.",
	KeyUnzippedTooLarge: "The Excel file unpacks to more than {max_mb} MB, so it is damaged or unsafe. Save it again as .xlsx or CSV.",
	KeyNotASpreadsheet:  "This file is not a CSV or Excel (.xlsx) file, or it is damaged.",
	KeyOldExcel:         "Old Excel (.xls) files and password-protected workbooks cannot be read. Save the file as Excel Workbook (.xlsx) or CSV UTF-8.",
	KeySheetNotFound:    "The workbook has no sheet named {sheet}. Its sheets are: {sheets}.",
	KeyBadEncoding:      "Row {row}, column {column}: the text is not valid {encoding}. Choose the file's encoding (UTF-8, UTF-16, Big5 or GB18030) and upload it again.",
	KeyUnknownEncoding:  "Unknown encoding {encoding}. Choose UTF-8, UTF-16, Big5 or GB18030.",
	KeyBadCSV:           "Row {row}: the CSV file cannot be read ({detail}).",
	KeyEmpty:            "The file is empty.",
	KeyNoRows:           "The file has a header row but no shipments.",
	KeyMissingColumn:    "Required column missing: {columns}. Use the template's header row or map your columns.",
	KeyDuplicateColumn:  "Columns {names} both mean {column}. Keep one of them or change the column mapping.",
	KeyBadMapping:       "The column mapping sends {name} to {column}, which is not a template column.",
	KeyTooManyRows:      "The file has more than {max} shipments (row {row} is shipment {count}). At most {max} shipments per file: nothing was created. Split the file and upload each part.",
	KeyTooManyColumns:   "Row {row} has more than {max} columns.",
	KeyUnknownColumn:    "Column {name} is not a template column and was ignored.",
	KeyFormula:          "Row {row}, column {column}: the cell holds a formula. Its last calculated value was used; ecship does not calculate formulas.",
	KeyFormulaNoValue:   "Row {row}, column {column}: the cell holds a formula with no saved value, so it was read as empty. Paste the values instead of the formula.",
}

// FileError is what is wrong with an uploaded file: a message key and its arguments, and where in
// the file, as the spreadsheet shows it.
type FileError struct {
	Row    int            // row number as the spreadsheet shows it (header = 1); 0 for the whole file
	Column string         // canonical column, or the header as written in the file; "" if none
	Key    string         // message key, one of the Key* constants
	Args   map[string]any // message arguments; "row" and "column" are added when set
}

func (e *FileError) Error() string {
	text, ok := Messages[e.Key]
	if !ok {
		text = e.Key
	}
	args := e.args()
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, "{"+k+"}", fmt.Sprint(args[k]))
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// args are the message arguments with the row and column filled in.
func (e *FileError) args() map[string]any {
	out := make(map[string]any, len(e.Args)+2)
	for k, v := range e.Args {
		out[k] = v
	}
	if _, ok := out["row"]; !ok && e.Row > 0 {
		out["row"] = e.Row
	}
	if _, ok := out["column"]; !ok && e.Column != "" {
		out["column"] = e.Column
	}
	return out
}

// MessageArgs returns Args with "row" and "column" added from Row and Column, ready for i18n.
func (e *FileError) MessageArgs() map[string]any { return e.args() }

func fileErr(row int, column, key string, args map[string]any) *FileError {
	return &FileError{Row: row, Column: column, Key: key, Args: args}
}
