package label

import (
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/money"
)

// s10 is a UPU S10 item number with its check digit.
func s10(prefix string, serial int) string {
	digits := fmt.Sprintf("%08d", serial)
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i, d := range digits {
		sum += int(d-'0') * weights[i]
	}
	check := 11 - sum%11
	switch check {
	case 10:
		check = 0
	case 11:
		check = 5
	}
	return fmt.Sprintf("%s%s%dHK", prefix, digits, check)
}

var (
	created = time.Date(2026, 11, 21, 10, 30, 0, 0, time.FixedZone("HKT", 8*3600))

	senderZH = Address{
		Name: "陳大文", Company: "大文網店有限公司",
		Lines: []string{"九龍彌敦道 188 號", "金輝大廈 12 樓 A 室"},
		City:  "九龍", Country: "HK", CountryName: "Hong Kong", Phone: "+852 2921 2222",
	}
	senderEN = Address{
		Name: "Chan Tai Man", Company: "Harbour Crafts Ltd",
		Lines: []string{"Flat A, 12/F, Kam Fai Building", "188 Nathan Road"},
		City:  "Kowloon", Country: "HK", CountryName: "Hong Kong", Phone: "+852 2921 2222",
	}
	recipientJP = Address{
		Name: "山田 太郎", Company: "株式会社サンプル",
		Lines: []string{"丸の内一丁目 1-1", "パレスビル 5 階"},
		City:  "千代田区", State: "東京都", PostalCode: "100-0005", Country: "JP", CountryName: "Japan", Phone: "+81 3 1234 5678",
	}
	recipientKR = Address{
		Name: "김민준", Lines: []string{"세종대로 110", "서울시청 3층"},
		City: "중구", State: "서울특별시", PostalCode: "04524", Country: "KR", CountryName: "Korea, Republic of", Phone: "+82 2 120",
	}
	recipientCN = Address{
		Name: "李小龙", Lines: []string{"浦东新区世纪大道 100 号", "环球金融中心 25 楼"},
		City: "上海市", PostalCode: "200120", Country: "CN", CountryName: "China", Phone: "+86 21 5555 0000",
	}
	recipientTW = Address{
		Name: "林志明", Lines: []string{"信義路五段 7 號"},
		City: "台北市", PostalCode: "110", Country: "TW", CountryName: "Taiwan", Phone: "+886 2 8101 8800",
	}
	recipientNY = Address{
		Name: "Jane Doe", Company: "Acme Imports LLC",
		Lines: []string{"350 Fifth Avenue", "Suite 4100"},
		City:  "New York", State: "NY", PostalCode: "10118", Country: "US", CountryName: "United States", Phone: "+1 212 555 0100",
	}
	recipientLA = Address{
		Name: "王美玲 (Mei-Ling Wong)", Lines: []string{"1111 S Figueroa St"},
		City: "Los Angeles", State: "CA", PostalCode: "90015", Country: "US", CountryName: "United States", Phone: "+1 213 555 0199",
	}
	recipientGB = Address{
		Name: "Oliver Smith", Lines: []string{"10 Downing Street"},
		City: "London", PostalCode: "SW1A 2AA", Country: "GB", CountryName: "United Kingdom",
	}
	recipientAU = Address{
		Name: "Charlotte Brown", Lines: []string{"1 Macquarie Street"},
		City: "Sydney", State: "NSW", PostalCode: "2000", Country: "AU", CountryName: "Australia",
	}
	recipientHK = Address{
		Name: "黃小明", Lines: []string{"香港中環干諾道中 2 號", "郵政總局大樓"},
		City: "中環", Country: "HK", CountryName: "Hong Kong", Phone: "+852 2921 2222",
	}

	threeArticles = []Item{
		{Description: "Silk scarf 絲巾", Quantity: 2, NetWeightG: 180, Value: money.MustParse("450.00"), Currency: "HKD", HSCode: "621410", Origin: "HK"},
		{Description: "Green tea leaves", Quantity: 3, NetWeightG: 600, Value: money.MustParse("360.00"), Currency: "HKD", HSCode: "090210", Origin: "CN"},
		{Description: "Porcelain tea cup", Quantity: 4, NetWeightG: 520, Value: money.MustParse("1280.50"), Currency: "HKD", HSCode: "691110", Origin: "CN"},
	}
)

func cn23() *Customs {
	return &Customs{
		Form: CN23, Category: CategorySale, Explanation: "Online order 4471",
		Items: threeArticles, TotalValue: money.MustParse("2090.50"), Currency: "HKD",
		InvoiceNo: "INV-2026-0042", Date: created, SenderSignature: "Chan Tai Man",
	}
}

func cn22(category string, items ...Item) *Customs {
	total := money.Cents(0)
	for _, it := range items {
		total += it.Value
	}
	return &Customs{Form: CN22, Category: category, Items: items, TotalValue: total, Currency: items[0].Currency,
		Date: created, SenderSignature: "Chan Tai Man"}
}

// samples is one label of every service, with Chinese, Japanese and Korean addresses.
func samples() []Label {
	gift := Item{Description: "Hand-made greeting cards", Quantity: 5, NetWeightG: 150, Value: money.MustParse("80.00"), Currency: "HKD", HSCode: "490900", Origin: "HK"}
	docs := Item{Description: "Business documents", Quantity: 1, NetWeightG: 90, Value: 0, Currency: "HKD", Origin: "HK"}
	return []Label{
		{Service: "EMS", ServiceName: "Speedpost (Standard Service)", ItemNo: s10("EE", 47312482), Postage: money.MustParse("245.00"),
			Insurance: money.MustParse("60.00"), Created: created, Reference: "ORDER-1001", WeightG: 1650, Air: true,
			Sender: senderEN, Recipient: recipientJP, Customs: cn23()},
		{Service: "AEX", ServiceName: "e-Express+", ItemNo: s10("LA", 1), Postage: money.MustParse("98.50"), Insurance: money.MustParse("11.00"),
			Created: created, Reference: "SHOP-77", WeightG: 420, Air: true, USExchange: "JFK",
			Sender: senderZH, Recipient: recipientNY, Customs: cn22(CategoryGift, gift, gift)},
		{Service: "AEX", ServiceName: "e-Express+", ItemNo: s10("LA", 2), Postage: money.MustParse("112.30"),
			Created: created, Reference: "SHOP-78", WeightG: 1300, Air: true, USExchange: "OTHERS",
			Sender: senderEN, Recipient: recipientLA, Customs: cn23()},
		{Service: "AEX", ServiceName: "e-Express+", ItemNo: s10("LB", 12345678), Postage: money.MustParse("76.00"),
			Created: created, Reference: "SHOP-79", WeightG: 300, Air: true,
			Sender: senderZH, Recipient: recipientKR, Customs: cn22(CategorySale, gift)},
		{Service: "ARM", ServiceName: "Air Registered Mail", ItemNo: s10("RR", 287043), Postage: money.MustParse("27.80"),
			Created: created, Reference: "LTR-5", WeightG: 90, Air: true,
			Sender: senderZH, Recipient: recipientCN, Customs: cn22(CategoryDocuments, docs)},
		{Service: "SRM", ServiceName: "Surface Registered Mail", ItemNo: s10("RS", 99), Postage: money.MustParse("21.50"),
			Created: created, WeightG: 60,
			Sender: senderEN, Recipient: recipientGB},
		{Service: "APL", ServiceName: "Air Parcel", ItemNo: s10("CD", 123456), Postage: money.MustParse("310.00"), Insurance: money.MustParse("35.00"),
			Created: created, Reference: "PCL-9", WeightG: 2300, Air: true,
			Sender: senderZH, Recipient: recipientTW, Customs: cn23()},
		{Service: "SPL", ServiceName: "Surface Parcel", ItemNo: s10("CS", 654321), Postage: money.MustParse("180.00"),
			Created: created, Reference: "PCL-10", WeightG: 3100,
			Sender: senderEN, Recipient: recipientAU, Customs: cn22(CategoryGift, gift)},
		{Service: "LRM", ServiceName: "Local Registered Mail", ItemNo: s10("RL", 4242), Postage: money.MustParse("19.50"),
			Created: created, WeightG: 40, Sender: senderZH, Recipient: recipientHK},
		{Service: "LPL", ServiceName: "Local Parcel", ItemNo: s10("CL", 4243), Postage: money.MustParse("70.00"),
			Created: created, Reference: "LP-1", WeightG: 2500, Sender: senderEN, Recipient: recipientHK},
		{Service: "LCP", ServiceName: "Local CourierPost", ItemNo: s10("EL", 4244), Postage: money.MustParse("40.00"),
			Created: created, WeightG: 800, Sender: senderZH, Recipient: recipientHK},
		{Service: "LEG", ServiceName: "EC-GET", ItemNo: s10("EG", 4245), Postage: money.MustParse("35.00"),
			Created: created, Reference: "GET-3", WeightG: 1200, Sender: senderEN, Recipient: recipientHK},
	}
}
