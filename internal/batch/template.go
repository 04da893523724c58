package batch

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/ecship/ecship/internal/catalog"
)

// Sheet names of the Excel template.
const (
	TemplateSheet     = "Shipments"
	InstructionsSheet = "Instructions"
)

// contentsCategories are the customs categories a row may name (shipment.Categories), with their
// names in the three languages for the instructions.
var contentsCategories = []struct {
	Value string
	Names [3]string
}{
	{"gift", [3]string{"Gift", "禮物", "礼物"}},
	{"documents", [3]string{"Documents", "文件", "文件"}},
	{"sample", [3]string{"Commercial sample", "商業樣本", "商业样本"}},
	{"returned", [3]string{"Returned goods", "退回物品", "退回物品"}},
	{"sale", [3]string{"Sale of goods", "銷售貨品", "销售货品"}},
	{"other", [3]string{"Other (explain it in the portal after the upload)", "其他（上載後在網站上說明）", "其他（上载后在网站上说明）"}},
}

// notes are the instruction sheet's general notes in English, 繁體中文 and 简体中文.
var notes = [][3]string{
	{"One row per shipment. Keep the header row (row 1) as it is; delete the example row (row 2) before uploading.",
		"每行一件郵件。請保留第 1 行的標題列；上載前請刪除第 2 行的示例。",
		"每行一件邮件。请保留第 1 行的标题行；上载前请删除第 2 行的示例。"},
	{"At most 500 shipments per file and 5 MB. A larger file is refused and nothing in it is created.",
		"每個檔案最多 500 件郵件及 5 MB。超出上限的檔案會被拒絕，檔案內的郵件一概不會建立。",
		"每个文件最多 500 件邮件及 5 MB。超出上限的文件会被拒绝，文件内的邮件一概不会建立。"},
	{"Leave all sender columns empty to use the address in your profile. The sender's address must be in Hong Kong.",
		"所有寄件人欄位留空，即使用你帳戶資料中的地址。寄件人地址必須在香港。",
		"所有寄件人栏位留空，即使用你账户资料中的地址。寄件人地址必须在香港。"},
	{"Every row is checked; each error names its row and column. Rows with errors are kept as incomplete labels that you can complete on the website.",
		"系統會逐行檢查，每項錯誤均列明行號及欄位。有錯誤的行會保存為未完成的郵件標籤，你可在網站上補充。",
		"系统会逐行检查，每项错误均列明行号及栏位。有错误的行会保存为未完成的邮件标签，你可在网站上补充。"},
	{"Save as Excel Workbook (.xlsx) or CSV UTF-8. CSV files in Big5, GB18030 or UTF-16 are read too, with commas, semicolons or tabs.",
		"請儲存為 Excel 活頁簿（.xlsx）或 CSV UTF-8。以 Big5、GB18030 或 UTF-16 編碼，用逗號、分號或定位字元分隔的 CSV 檔案亦可讀取。",
		"请保存为 Excel 工作簿（.xlsx）或 CSV UTF-8。以 Big5、GB18030 或 UTF-16 编码，用逗号、分号或制表符分隔的 CSV 文件亦可读取。"},
	{"Formulas are not calculated: the value your spreadsheet last saved is used. Type plain values where you can.",
		"系統不會計算公式，只會採用試算表最後儲存的數值。請盡量輸入數值而非公式。",
		"系统不会计算公式，只会采用电子表格最后保存的数值。请尽量输入数值而非公式。"},
	{"Postal codes, phone numbers, references and HS codes are text columns, so leading zeros are kept.",
		"郵政編碼、電話號碼、參考編號及 HS 編碼欄位為文字格式，開頭的零會保留。",
		"邮政编码、电话号码、参考编号及 HS 编码栏位为文本格式，开头的零会保留。"},
	{"Up to 5 articles per shipment (item_1_... to item_5_...). Items sent outside Hong Kong need the contents category and at least one article for the customs declaration.",
		"每件郵件最多 5 項物品（item_1_... 至 item_5_...）。寄往香港以外地方的郵件須填寫內件類別及最少一項物品，以作報關之用。",
		"每件邮件最多 5 项物品（item_1_... 至 item_5_...）。寄往香港以外地方的邮件须填写内件类别及最少一项物品，以作报关之用。"},
	{"Headers in English, 繁體中文 or 简体中文 are recognised too, and you can map your own column names when you upload.",
		"標題亦可使用英文、繁體中文或简体中文；上載時亦可把你自己的欄位名稱對應到範本欄位。",
		"标题亦可使用英文、繁體中文或简体中文；上载时亦可把你自己的栏位名称对应到模板栏位。"},
}

// TemplateCSV writes the CSV template: UTF-8 with a byte order mark (so that Excel reads the Chinese
// text right), the header row of Columns and one example row.
func TemplateCSV(w io.Writer) error {
	if _, err := w.Write(bomUTF8); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(Columns); err != nil {
		return err
	}
	example := make([]string, len(columnList))
	for i, c := range columnList {
		example[i] = c.Example
	}
	if err := cw.Write(example); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

var templateServices = sync.OnceValues(func() ([]*catalog.Service, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	var out []*catalog.Service
	for _, s := range cat.Services() {
		if s.Group != catalog.Bulk {
			out = append(out, s)
		}
	}
	return out, nil
})

// TemplateXLSX writes the Excel template: sheet "Shipments" with the header row (styled, frozen,
// a note in three languages on each header cell), text-formatted postal code, phone, reference and
// HS code columns, drop-down lists for service and contents category, and the example row; sheet
// "Instructions" explains every column and the valid values in English, 繁體中文 and 简体中文.
func TemplateXLSX(w io.Writer) error {
	services, err := templateServices()
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	t := &templateWriter{f: f}
	t.shipments(services)
	t.instructions(services)
	if t.err != nil {
		return t.err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// templateWriter keeps the first error of a sequence of excelize calls.
type templateWriter struct {
	f   *excelize.File
	err error
}

func (t *templateWriter) do(err error) {
	if t.err == nil && err != nil {
		t.err = err
	}
}

func (t *templateWriter) style(s *excelize.Style) int {
	id, err := t.f.NewStyle(s)
	t.do(err)
	return id
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

const templateRows = DefaultMaxRows + 1 // the header and 500 shipments

func (t *templateWriter) shipments(services []*catalog.Service) {
	f := t.f
	t.do(f.SetSheetName("Sheet1", TemplateSheet))
	header := t.style(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E79"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	required := t.style(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"C00000"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	text := t.style(&excelize.Style{NumFmt: 49})  // "@": whatever is typed stays text
	amount := t.style(&excelize.Style{NumFmt: 2}) // "0.00"
	whole := t.style(&excelize.Style{NumFmt: 1})  // "0"
	for i, c := range columnList {
		col := colName(i + 1)
		switch {
		case c.Text:
			t.do(f.SetColStyle(TemplateSheet, col, text))
		case c.Name == "insurance_amount" || strings.HasSuffix(c.Name, "_value"):
			t.do(f.SetColStyle(TemplateSheet, col, amount))
		case c.Numeric:
			t.do(f.SetColStyle(TemplateSheet, col, whole))
		}
		t.do(f.SetColWidth(TemplateSheet, col, col, float64(max(14, len(c.Name)+4))))
	}
	for i, c := range columnList {
		cell := cellName(i+1, 1)
		t.do(f.SetCellStr(TemplateSheet, cell, c.Name))
		st := header
		if c.Required {
			st = required
		}
		t.do(f.SetCellStyle(TemplateSheet, cell, cell, st))
		note := fmt.Sprintf("%s / %s / %s\n\n%s\n%s\n%s", c.Label[0], c.Label[1], c.Label[2], c.Desc[0], c.Desc[1], c.Desc[2])
		t.do(f.AddComment(TemplateSheet, excelize.Comment{Author: "ecship", Cell: cell, Text: note, Width: 320, Height: 160}))
		if c.Example != "" {
			t.setExample(cellName(i+1, 2), c)
		}
	}
	t.do(f.SetRowHeight(TemplateSheet, 1, 22))
	t.do(f.SetPanes(TemplateSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}))

	codes := make([]string, len(services))
	for i, s := range services {
		codes[i] = s.Code
	}
	cats := make([]string, len(contentsCategories))
	for i, c := range contentsCategories {
		cats[i] = c.Value
	}
	for _, list := range []struct {
		column string
		values []string
	}{{"service", codes}, {"contents_category", cats}} {
		dv := excelize.NewDataValidation(true)
		col := colName(indexOf(list.column) + 1)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, templateRows))
		t.do(dv.SetDropList(list.values))
		dv.SetError(excelize.DataValidationErrorStyleWarning, list.column, "See the Instructions sheet / 請參閱 Instructions 工作表 / 请参阅 Instructions 工作表")
		t.do(f.AddDataValidation(TemplateSheet, dv))
	}
}

// setExample writes an example value: numbers as numbers, the rest as text.
func (t *templateWriter) setExample(cell string, c column) {
	if c.Numeric {
		if v, err := strconv.ParseFloat(c.Example, 64); err == nil {
			t.do(t.f.SetCellFloat(TemplateSheet, cell, v, -1, 64))
			return
		}
	}
	t.do(t.f.SetCellStr(TemplateSheet, cell, c.Example))
}

func indexOf(column string) int {
	for i, c := range Columns {
		if c == column {
			return i
		}
	}
	return -1
}

func (t *templateWriter) instructions(services []*catalog.Service) {
	f := t.f
	const sh = InstructionsSheet
	_, err := f.NewSheet(sh)
	t.do(err)
	title := t.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	bold := t.style(&excelize.Style{
		Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
	})
	wrap := t.style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	t.do(f.SetColWidth(sh, "A", "A", 26))
	t.do(f.SetColWidth(sh, "B", "B", 12))
	t.do(f.SetColWidth(sh, "C", "E", 50))
	t.do(f.SetColWidth(sh, "F", "F", 28))

	row := 1
	put := func(style int, values ...string) {
		for i, v := range values {
			t.do(f.SetCellStr(sh, cellName(i+1, row), v))
		}
		if style != 0 && len(values) > 0 {
			t.do(f.SetCellStyle(sh, cellName(1, row), cellName(len(values), row), style))
		}
		row++
	}
	put(title, "ecship batch upload template / 批量上載範本 / 批量上载模板")
	row++
	put(bold, "Notes", "", "English", "繁體中文", "简体中文")
	for i, n := range notes {
		put(wrap, strconv.Itoa(i+1), "", n[0], n[1], n[2])
	}
	row++
	put(bold, "Column / 欄位 / 栏位", "Required / 必填 / 必填", "English", "繁體中文", "简体中文", "Example / 示例")
	for _, c := range columnList {
		req := ""
		if c.Required {
			req = "Yes / 是 / 是"
		}
		put(wrap, c.Name, req, c.Label[0]+": "+c.Desc[0], c.Label[1]+"："+c.Desc[1], c.Label[2]+"："+c.Desc[2], c.Example)
	}
	row++
	put(bold, "service", "", "English", "繁體中文", "简体中文")
	for _, s := range services {
		put(wrap, s.Code, "", s.Names.En, s.Names.ZhHant, s.Names.ZhHans)
	}
	row++
	put(bold, "contents_category", "", "English", "繁體中文", "简体中文")
	for _, c := range contentsCategories {
		put(wrap, c.Value, "", c.Names[0], c.Names[1], c.Names[2])
	}
}
