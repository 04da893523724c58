// Package batch reads the batch-upload files of rule BAT-1 to BAT-3 (CSV in UTF-8, UTF-16, Big5
// or GB18030, and Excel .xlsx) into rows keyed by the template's canonical columns, and writes the
// CSV and Excel templates. It is pure: no storage, no HTTP. Validating a row and turning it into a
// shipment is the caller's job.
package batch

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxArticles is how many customs articles a template row carries (item_1_* to item_5_*).
const MaxArticles = 5

// column describes one template column: its header names in the three languages, what it means and
// an example. The names double as aliases when a file's header is matched.
type column struct {
	Name     string
	Required bool
	Numeric  bool      // quantities and amounts: Excel cells give their stored number, not the display
	Text     bool      // formatted as text in the Excel template so leading zeros survive
	Label    [3]string // header in English, 繁體中文, 简体中文
	Desc     [3]string // explanation in English, 繁體中文, 简体中文
	Example  string
	Aliases  []string // more names, any language; matched loosely
}

// The columns before the articles, in contract order.
var headColumns = []column{
	{Name: "service", Required: true,
		Label:   [3]string{"Service", "服務", "服务"},
		Desc:    [3]string{"Service code, e.g. AEX for e-Express+ (see the list below).", "服務代碼，例如 AEX 代表 e-Express+（見下表）。", "服务代码，例如 AEX 代表 e-Express+（见下表）。"},
		Example: "AEX",
		Aliases: []string{"service code", "service type", "mail service", "服務代碼", "服務類別", "郵件服務", "服务代码", "服务类别", "邮件服务"}},
	{Name: "reference", Text: true,
		Label:   [3]string{"Reference", "參考編號", "参考编号"},
		Desc:    [3]string{"Your own reference, e.g. an order number (optional, at most 40 characters).", "你自己的參考編號，例如訂單號碼（選填，最多 40 個字元）。", "你自己的参考编号，例如订单号码（选填，最多 40 个字符）。"},
		Example: "ORDER-1001",
		Aliases: []string{"ref", "reference no", "your reference", "customer reference", "order no", "order number", "order id", "參考", "參考號碼", "訂單編號", "訂單號碼", "参考", "参考号码", "订单编号", "订单号码", "订单号"}},
	{Name: "weight_g", Required: true, Numeric: true,
		Label:   [3]string{"Weight (g)", "重量（克）", "重量（克）"},
		Desc:    [3]string{"Weight of the item in grams, a whole number.", "郵件重量，以克為單位的整數。", "邮件重量，以克为单位的整数。"},
		Example: "450",
		Aliases: []string{"weight", "weight grams", "weight in grams", "gross weight", "gross weight g", "重量", "重量(g)", "總重量", "总重量", "毛重"}},
	{Name: "length_mm", Numeric: true,
		Label:   [3]string{"Length (mm)", "長度（毫米）", "长度（毫米）"},
		Desc:    [3]string{"Length in millimetres (optional unless the service needs the size).", "長度，以毫米為單位（除非服務需要尺寸，否則選填）。", "长度，以毫米为单位（除非服务需要尺寸，否则选填）。"},
		Example: "250",
		Aliases: []string{"length", "長度", "长度", "長", "长"}},
	{Name: "width_mm", Numeric: true,
		Label:   [3]string{"Width (mm)", "闊度（毫米）", "宽度（毫米）"},
		Desc:    [3]string{"Width in millimetres.", "闊度，以毫米為單位。", "宽度，以毫米为单位。"},
		Example: "180",
		Aliases: []string{"width", "闊度", "寬度", "宽度", "闊", "寬", "宽"}},
	{Name: "height_mm", Numeric: true,
		Label:   [3]string{"Height (mm)", "高度（毫米）", "高度（毫米）"},
		Desc:    [3]string{"Height in millimetres.", "高度，以毫米為單位。", "高度，以毫米为单位。"},
		Example: "40",
		Aliases: []string{"height", "depth", "高度", "高"}},
	{Name: "insurance_amount", Numeric: true,
		Label:   [3]string{"Insurance amount (HK$)", "投保金額（港元）", "投保金额（港元）"},
		Desc:    [3]string{"Value to insure in HK$, e.g. 1000.00; empty for no insurance.", "投保價值（港元），例如 1000.00；不投保請留空。", "投保价值（港元），例如 1000.00；不投保请留空。"},
		Example: "1000.00",
		Aliases: []string{"insurance", "insured value", "insured amount", "insurance value", "保險金額", "保額", "投保金額", "保险金额", "保额", "投保金额", "保險", "保险"}},
	{Name: "sender_name",
		Label:   [3]string{"Sender name", "寄件人姓名", "寄件人姓名"},
		Desc:    [3]string{"Sender's name. Leave all sender columns empty to use your profile's address.", "寄件人姓名。所有寄件人欄位留空即使用你帳戶資料中的地址。", "寄件人姓名。所有寄件人栏位留空即使用你账户资料中的地址。"},
		Example: "陳大文",
		Aliases: []string{"sender", "from name", "shipper name", "shipper", "寄件人", "寄件人名稱", "寄件人名称", "發件人姓名", "发件人姓名", "发件人", "發件人"}},
	{Name: "sender_company",
		Label:   [3]string{"Sender company", "寄件人公司", "寄件人公司"},
		Desc:    [3]string{"Sender's company (optional).", "寄件人公司名稱（選填）。", "寄件人公司名称（选填）。"},
		Aliases: []string{"shipper company", "from company", "寄件人公司名稱", "寄件人公司名称", "發件人公司", "发件人公司"}},
	{Name: "sender_address_1",
		Label:   [3]string{"Sender address line 1", "寄件人地址第一行", "寄件人地址第一行"},
		Desc:    [3]string{"Sender's address, first line (must be in Hong Kong).", "寄件人地址第一行（必須在香港）。", "寄件人地址第一行（必须在香港）。"},
		Example: "Flat A, 12/F, 8 Nathan Road",
		Aliases: []string{"sender address", "sender address 1", "shipper address", "寄件人地址", "寄件人地址1", "寄件人地址一", "發件人地址", "发件人地址", "发件人地址1"}},
	{Name: "sender_address_2",
		Label:   [3]string{"Sender address line 2", "寄件人地址第二行", "寄件人地址第二行"},
		Desc:    [3]string{"Sender's address, second line (optional).", "寄件人地址第二行（選填）。", "寄件人地址第二行（选填）。"},
		Aliases: []string{"sender address 2", "寄件人地址2", "寄件人地址二", "发件人地址2"}},
	{Name: "sender_address_3",
		Label:   [3]string{"Sender address line 3", "寄件人地址第三行", "寄件人地址第三行"},
		Desc:    [3]string{"Sender's address, third line (optional).", "寄件人地址第三行（選填）。", "寄件人地址第三行（选填）。"},
		Aliases: []string{"sender address 3", "寄件人地址3", "寄件人地址三", "发件人地址3"}},
	{Name: "sender_city",
		Label:   [3]string{"Sender district", "寄件人地區", "寄件人地区"},
		Desc:    [3]string{"Sender's district or city, e.g. Kowloon.", "寄件人所在地區，例如九龍。", "寄件人所在地区，例如九龙。"},
		Example: "Kowloon",
		Aliases: []string{"sender city", "sender district", "寄件人城市", "寄件人地區", "发件人城市", "发件人地区"}},
	{Name: "sender_phone", Text: true,
		Label:   [3]string{"Sender phone", "寄件人電話", "寄件人电话"},
		Desc:    [3]string{"Sender's phone number, digits only.", "寄件人電話號碼，只限數字。", "寄件人电话号码，只限数字。"},
		Example: "85291234567",
		Aliases: []string{"sender tel", "sender telephone", "sender mobile", "sender contact number", "寄件人電話號碼", "寄件人聯絡電話", "寄件人电话号码", "寄件人联络电话", "发件人电话", "發件人電話"}},
	{Name: "sender_email",
		Label:   [3]string{"Sender email", "寄件人電郵", "寄件人电邮"},
		Desc:    [3]string{"Sender's email (optional).", "寄件人電郵地址（選填）。", "寄件人电邮地址（选填）。"},
		Aliases: []string{"sender e-mail", "sender email address", "寄件人電郵地址", "寄件人電子郵件", "寄件人电邮地址", "寄件人电子邮件", "发件人邮箱", "发件人电子邮件", "寄件人邮箱"}},
	{Name: "recipient_name", Required: true,
		Label:   [3]string{"Recipient name", "收件人姓名", "收件人姓名"},
		Desc:    [3]string{"Recipient's name.", "收件人姓名。", "收件人姓名。"},
		Example: "Jane Doe",
		Aliases: []string{"recipient", "receiver", "receiver name", "consignee", "consignee name", "addressee", "addressee name", "to name", "收件人", "收件人名稱", "收件人名称", "收貨人", "收货人", "收貨人姓名", "收货人姓名"}},
	{Name: "recipient_company",
		Label:   [3]string{"Recipient company", "收件人公司", "收件人公司"},
		Desc:    [3]string{"Recipient's company (optional).", "收件人公司名稱（選填）。", "收件人公司名称（选填）。"},
		Aliases: []string{"receiver company", "consignee company", "company", "收件人公司名稱", "收件人公司名称", "收貨人公司", "收货人公司"}},
	{Name: "recipient_address_1", Required: true,
		Label:   [3]string{"Recipient address line 1", "收件人地址第一行", "收件人地址第一行"},
		Desc:    [3]string{"Recipient's address, first line.", "收件人地址第一行。", "收件人地址第一行。"},
		Example: "350 Fifth Avenue",
		Aliases: []string{"recipient address", "recipient address 1", "receiver address", "consignee address", "address", "address 1", "address line 1", "收件人地址", "收件人地址1", "收件人地址一", "收貨地址", "收货地址", "地址", "地址1", "地址一"}},
	{Name: "recipient_address_2",
		Label:   [3]string{"Recipient address line 2", "收件人地址第二行", "收件人地址第二行"},
		Desc:    [3]string{"Recipient's address, second line (optional).", "收件人地址第二行（選填）。", "收件人地址第二行（选填）。"},
		Aliases: []string{"recipient address 2", "address 2", "address line 2", "收件人地址2", "收件人地址二", "地址2", "地址二"}},
	{Name: "recipient_address_3",
		Label:   [3]string{"Recipient address line 3", "收件人地址第三行", "收件人地址第三行"},
		Desc:    [3]string{"Recipient's address, third line (optional).", "收件人地址第三行（選填）。", "收件人地址第三行（选填）。"},
		Aliases: []string{"recipient address 3", "address 3", "address line 3", "收件人地址3", "收件人地址三", "地址3", "地址三"}},
	{Name: "recipient_city",
		Label:   [3]string{"Recipient city", "收件人城市", "收件人城市"},
		Desc:    [3]string{"Recipient's city or town.", "收件人所在城市。", "收件人所在城市。"},
		Example: "New York",
		Aliases: []string{"city", "town", "receiver city", "城市", "收件城市"}},
	{Name: "recipient_state",
		Label:   [3]string{"Recipient state/province", "收件人州／省", "收件人州／省"},
		Desc:    [3]string{"State or province where the country uses one, e.g. NY.", "州或省（如適用），例如 NY。", "州或省（如适用），例如 NY。"},
		Example: "NY",
		Aliases: []string{"state", "province", "state province", "county", "州", "省", "省份", "州省", "州省份", "收件人州", "收件人省份"}},
	{Name: "recipient_postal_code", Text: true,
		Label:   [3]string{"Recipient postal code", "收件人郵政編碼", "收件人邮政编码"},
		Desc:    [3]string{"Postal or ZIP code. Keep leading zeros (the column is text).", "郵政編碼或 ZIP 編碼，請保留開頭的零（此欄為文字格式）。", "邮政编码或 ZIP 编码，请保留开头的零（此栏为文本格式）。"},
		Example: "10118",
		Aliases: []string{"postal code", "postcode", "post code", "zip", "zip code", "zipcode", "recipient zip", "recipient postcode", "郵政編碼", "郵編", "郵遞區號", "邮政编码", "邮编", "邮递区号"}},
	{Name: "recipient_country", Required: true,
		Label:   [3]string{"Recipient country/region", "收件人國家／地區", "收件人国家／地区"},
		Desc:    [3]string{"Destination country or region: two-letter code (US) or its name.", "寄達國家或地區：兩個字母代碼（例如 US）或名稱。", "寄达国家或地区：两个字母代码（例如 US）或名称。"},
		Example: "US",
		Aliases: []string{"country", "country region", "country code", "destination", "destination country", "recipient country", "國家", "國家地區", "国家", "国家地区", "目的地", "寄達地", "寄达地", "寄達國家", "寄达国家", "收件國家", "收件国家", "收件人國家", "收件人国家"}},
	{Name: "recipient_phone", Text: true,
		Label:   [3]string{"Recipient phone", "收件人電話", "收件人电话"},
		Desc:    [3]string{"Recipient's phone number (needed by some services and destinations).", "收件人電話號碼（部分服務及寄達地需要）。", "收件人电话号码（部分服务及寄达地需要）。"},
		Aliases: []string{"phone", "telephone", "tel", "mobile", "contact number", "receiver phone", "consignee phone", "電話", "电话", "聯絡電話", "联络电话", "收件人電話號碼", "收件人电话号码", "收貨人電話", "收货人电话"}},
	{Name: "recipient_email",
		Label:   [3]string{"Recipient email", "收件人電郵", "收件人电邮"},
		Desc:    [3]string{"Recipient's email (optional; used for delivery notices).", "收件人電郵地址（選填，用於派遞通知）。", "收件人电邮地址（选填，用于派递通知）。"},
		Aliases: []string{"email", "e-mail", "email address", "receiver email", "電郵", "电邮", "電子郵件", "电子邮件", "邮箱", "收件人電郵地址", "收件人电邮地址", "收件人邮箱"}},
	{Name: "contents_category",
		Label:   [3]string{"Contents category", "內件類別", "内件类别"},
		Desc:    [3]string{"Customs category of the contents (see the list below); needed outside Hong Kong.", "內件的海關類別（見下表）；寄往香港以外地方須填寫。", "内件的海关类别（见下表）；寄往香港以外地方须填写。"},
		Example: "sale",
		Aliases: []string{"category", "contents type", "type of contents", "nature of goods", "item category", "內件類別", "內容類別", "類別", "物品類別", "内容类别", "类别", "物品类别"}},
}

// articleColumns are the per-article columns; "{n}" is the article number 1 to 5.
var articleColumns = []column{
	{Name: "item_{n}_description",
		Label:   [3]string{"Item {n} description", "物品{n}描述", "物品{n}描述"},
		Desc:    [3]string{"Article {n}: what it is, in English (at most 60 characters).", "物品{n}：內容描述，請用英文（最多 60 個字元）。", "物品{n}：内容描述，请用英文（最多 60 个字符）。"},
		Example: "Silk scarf",
		Aliases: []string{"item {n}", "item {n} desc", "article {n}", "article {n} description", "description {n}", "goods {n} description", "物品{n}", "物品{n}說明", "物品{n}名稱", "物品{n}说明", "物品{n}名称", "貨品{n}描述", "货品{n}描述", "內容{n}", "内容{n}"}},
	{Name: "item_{n}_quantity", Numeric: true,
		Label:   [3]string{"Item {n} quantity", "物品{n}數量", "物品{n}数量"},
		Desc:    [3]string{"Article {n}: quantity, a whole number.", "物品{n}：數量（整數）。", "物品{n}：数量（整数）。"},
		Example: "2",
		Aliases: []string{"item {n} qty", "article {n} quantity", "quantity {n}", "qty {n}", "貨品{n}數量", "货品{n}数量", "數量{n}", "数量{n}"}},
	{Name: "item_{n}_weight_g", Numeric: true,
		Label:   [3]string{"Item {n} net weight (g)", "物品{n}淨重（克）", "物品{n}净重（克）"},
		Desc:    [3]string{"Article {n}: net weight in grams for all of its quantity.", "物品{n}：淨重（克），按全部數量計算。", "物品{n}：净重（克），按全部数量计算。"},
		Example: "300",
		Aliases: []string{"item {n} weight", "item {n} net weight", "article {n} weight", "weight {n}", "物品{n}重量", "物品{n}淨重", "物品{n}净重", "物品{n}重量(克)"}},
	{Name: "item_{n}_value", Numeric: true,
		Label:   [3]string{"Item {n} value", "物品{n}價值", "物品{n}价值"},
		Desc:    [3]string{"Article {n}: total value for all of its quantity, e.g. 380.00.", "物品{n}：全部數量的總價值，例如 380.00。", "物品{n}：全部数量的总价值，例如 380.00。"},
		Example: "380.00",
		Aliases: []string{"item {n} price", "article {n} value", "value {n}", "物品{n}價格", "物品{n}价格", "價值{n}", "价值{n}"}},
	{Name: "item_{n}_currency",
		Label:   [3]string{"Item {n} currency", "物品{n}貨幣", "物品{n}货币"},
		Desc:    [3]string{"Article {n}: currency of the value, e.g. HKD.", "物品{n}：價值的貨幣，例如 HKD。", "物品{n}：价值的货币，例如 HKD。"},
		Example: "HKD",
		Aliases: []string{"article {n} currency", "currency {n}", "物品{n}幣種", "物品{n}币种", "貨幣{n}", "货币{n}"}},
	{Name: "item_{n}_hs_code", Text: true,
		Label:   [3]string{"Item {n} HS code", "物品{n}HS編碼", "物品{n}HS编码"},
		Desc:    [3]string{"Article {n}: Harmonized System tariff code, 6 to 10 digits (text: keep leading zeros).", "物品{n}：商品統一分類制度（HS）編碼，6 至 10 位數字（文字格式，保留開頭的零）。", "物品{n}：商品统一分类制度（HS）编码，6 至 10 位数字（文本格式，保留开头的零）。"},
		Example: "621410",
		Aliases: []string{"item {n} hs", "item {n} tariff code", "article {n} hs code", "hs code {n}", "物品{n}海關編碼", "物品{n}海关编码", "物品{n}稅則編號", "物品{n}税则编号"}},
	{Name: "item_{n}_origin_country",
		Label:   [3]string{"Item {n} origin", "物品{n}原產地", "物品{n}原产地"},
		Desc:    [3]string{"Article {n}: country or region of origin, e.g. HK.", "物品{n}：原產國家或地區，例如 HK。", "物品{n}：原产国家或地区，例如 HK。"},
		Example: "HK",
		Aliases: []string{"item {n} origin", "item {n} country of origin", "article {n} origin", "origin {n}", "origin country {n}", "物品{n}原產國", "物品{n}原产国", "原產地{n}", "原产地{n}"}},
}

// Aliases for the first article without a number, for files that carry one article per row.
var firstArticleAliases = map[string][]string{
	"item_1_description":    {"description", "item description", "contents", "goods description", "描述", "物品描述", "內容描述", "内容描述", "貨品描述", "货品描述", "物品名稱", "物品名称"},
	"item_1_quantity":       {"quantity", "qty", "數量", "数量", "物品數量", "物品数量"},
	"item_1_weight_g":       {"item weight", "net weight", "淨重", "净重", "物品重量"},
	"item_1_value":          {"value", "item value", "declared value", "價值", "价值", "物品價值", "物品价值", "申報價值", "申报价值"},
	"item_1_currency":       {"currency", "貨幣", "货币", "幣種", "币种"},
	"item_1_hs_code":        {"hs code", "hs", "tariff code", "hs編碼", "hs编码", "海關編碼", "海关编码"},
	"item_1_origin_country": {"origin", "origin country", "country of origin", "原產地", "原产地", "原產國", "原产国"},
}

// columnList is every column in contract order, articles expanded.
var columnList = func() []column {
	out := append([]column(nil), headColumns...)
	for n := 1; n <= MaxArticles; n++ {
		r := strings.NewReplacer("{n}", strconv.Itoa(n))
		for _, c := range articleColumns {
			c.Name = r.Replace(c.Name)
			for i := range c.Label {
				c.Label[i] = r.Replace(c.Label[i])
				c.Desc[i] = r.Replace(c.Desc[i])
			}
			aliases := make([]string, 0, len(c.Aliases)+len(firstArticleAliases[c.Name]))
			for _, a := range c.Aliases {
				aliases = append(aliases, r.Replace(a))
			}
			c.Aliases = append(aliases, firstArticleAliases[c.Name]...)
			if n > 1 {
				c.Example = ""
			}
			out = append(out, c)
		}
	}
	return out
}()

// Columns is the template's header row, in order. It is part of the public contract: files written
// from the template and integrations rely on these names.
var Columns = func() []string {
	out := make([]string, len(columnList))
	for i, c := range columnList {
		out[i] = c.Name
	}
	return out
}()

// Required lists the columns a file must have (a row may still leave sender columns empty).
var Required = []string{"service", "weight_g", "recipient_name", "recipient_address_1", "recipient_country"}

var (
	columnByName = map[string]*column{}
	aliasIndex   = map[string]string{} // normalized name -> canonical column
)

func init() {
	for i := range columnList {
		c := &columnList[i]
		columnByName[c.Name] = c
	}
	// Canonical names and labels first, so that an alias never shadows them.
	for _, c := range columnList {
		addAlias(c.Name, c.Name)
		for _, l := range c.Label {
			addAlias(l, c.Name)
		}
	}
	for _, c := range columnList {
		for _, a := range c.Aliases {
			addAlias(a, c.Name)
		}
	}
}

func addAlias(alias, canonical string) {
	k := normalize(alias)
	if _, taken := aliasIndex[k]; !taken && k != "" {
		aliasIndex[k] = canonical
	}
}

// normalize folds a header for loose matching: full-width forms to ASCII (NFKC), lower case, and
// spaces, underscores, hyphens, dots, brackets, slashes, colons and required-field stars removed.
func normalize(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), unicode.Is(unicode.Cf, r):
		case strings.ContainsRune("_-.()[]{}<>/\\:*#'\"、，,；;|+~", r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Canonical returns the canonical column a file's header names, matched loosely (case, spaces,
// punctuation, full-width forms, and the names in English, 繁體中文 and 简体中文), or "".
func Canonical(header string) string { return aliasIndex[normalize(header)] }

// IsColumn reports whether name is a canonical column.
func IsColumn(name string) bool { return columnByName[name] != nil }
