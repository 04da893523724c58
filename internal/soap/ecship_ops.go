package soap

// The EC-Ship integrator API's operations, as one table: the WSDLs, the request reader and the
// response writer all come from it, so a field is named in one place.

// Namespaces of the EC-Ship API: operation wrappers and the WSDLs' target (web), and the request
// and response objects' fields (obj).
const (
	ECShipWebNamespace = "http://webservice.integrator.hkpost.com"
	ECShipObjNamespace = "http://object.integrator.hkpost.com"
)

// The EC-Ship services, each at {base}/{name}.
const (
	ServiceCalculator  = "Calculator"
	ServicePosting     = "Posting"
	ServiceTracking    = "Tracking"
	ServiceSoazPosting = "SoazPosting"
)

// ecServices are the services in the order the docs list them.
var ecServices = []string{ServiceCalculator, ServicePosting, ServiceTracking, ServiceSoazPosting}

// fieldType is a field's XML Schema type, or one of the API's lists.
type fieldType int

const (
	tString   fieldType = iota // xsd:string
	tInt                       // xsd:int
	tDecimal                   // xsd:decimal, written as a plain decimal ("12.30")
	tBase64                    // xsd:base64Binary (a PDF)
	tProducts                  // ArrayOfProductItem: item elements of ProductItem
	tStrings                   // ArrayOfString: item elements of text
	tTracking                  // ArrayOfTrackingInfo: item elements of TrackingInfo
)

// field is one element of a request or return object.
type field struct {
	name string
	typ  fieldType
}

// ecOp is one operation: its service, its name, its request wrapper (apiNNReq) and the request and
// return types with their own fields (besides the base objects' fields).
type ecOp struct {
	service string
	name    string
	req     string // the wrapper element inside the operation: api01Req
	reqType string // its type: Api01Request
	retType string // the Return's type: Api01
	soaz    bool   // the request extends ApiRequestObjectSoaz (integratorUsername, soazUsername)
	in      []field
	out     []field
}

// Base objects: every request carries the integrator and the sender's account (named in several
// ways by clients), every return its status.
var (
	baseRequest = []field{{"ecshipUsername", tString}, {"hkpId", tString}, {"hkpid", tString}, {"integratorUsername", tString}}
	soazRequest = []field{{"integratorUsername", tString}, {"soazUsername", tString}}
	baseReturn  = []field{{"errMessage", tString}, {"status", tInt}, {"statusAndErrMessage", tString}}
	productItem = []field{{"contentDesc", tString}, {"currencyCode", tString}, {"productCountry", tString}, {"productQty", tString},
		{"productTariffCode", tString}, {"productValue", tString}, {"productWeight", tString}}
	trackingInfo = []field{{"no", tString}, {"date", tString}, {"detail", tString}}
)

func strs(names ...string) []field {
	out := make([]field, len(names))
	for i, n := range names {
		out[i] = field{n, tString}
	}
	return out
}

// createOrderFields are api02Req's fields (createOrder and createTemporaryOrder).
var createOrderFields = append(strs("certNumber", "certQty", "countryCode", "creditCardNo", "declarationComments",
	"dropAndGoFlag", "impEmail", "impFaxNo", "impRef", "impTelNo", "insurAmount", "insurTypeCode", "invoiceNumber",
	"invoiceQty", "itemCategory", "itemCategoryDesc", "itemNo", "licenceNumber", "mailSize", "mailType",
	"merchandiserEmail", "nonDeliveryOptions", "payFlag", "permitNo", "pickupOffice"),
	append([]field{{"products", tProducts}}, strs("recipientAddress", "recipientCity", "recipientContactNo",
		"recipientContactNoAreaCode", "recipientEmail", "recipientFax", "recipientName", "recipientPostalNo", "refNo",
		"satchelTypeCode", "senderAddress", "senderContactNo", "senderContactNoAreaCode", "senderCountry",
		"senderCustRef", "senderEmail", "senderFax", "senderName", "shipCode", "noticeMethod", "smsLang", "mcn",
		"iPostalStation", "ipostalStation", "paidAmt")...)...)

var orderReturn = []field{{"itemNo", tString}, {"orderNo", tString}, {"deliveryCharge", tDecimal}, {"insurPermFee", tDecimal}, {"additionalDocument", tString}}

// orderInfoReturn is what getOrderInfo answers of an order.
var orderInfoReturn = []field{{"orderNo", tString}, {"itemNo", tString}, {"orderStatus", tString}, {"shipCode", tString},
	{"countryCode", tString}, {"recipientName", tString}, {"refNo", tString}, {"weight", tDecimal},
	{"deliveryCharge", tDecimal}, {"insurPermFee", tDecimal}, {"createDate", tString}, {"postingDate", tString}}

// soazOrderFields are api30Req's fields.
var soazOrderFields = strs("addresseeAddr1", "addresseeAddr2", "addresseeAddr3", "addresseeAddr4", "addresseeCity",
	"addresseeCompanyName", "addresseeCountry", "addresseeEmail", "addresseeFaxNo", "addresseeName", "addresseePostalCode",
	"addresseeTelNo", "cn23Flag", "cn23ItemTypeCode", "cn23ItemTypeDesc", "comment", "custOrdRef", "impEmail", "impFaxNo",
	"impRef", "impTelNo", "insurAmt", "insurFlag", "insurRPlanName",
	"itemCtyCode1", "itemCtyCode2", "itemCtyCode3", "itemCtyCode4", "itemCurrCode1",
	"itemDesc1", "itemDesc2", "itemDesc3", "itemDesc4", "itemHSCode1", "itemHSCode2", "itemHSCode3", "itemHSCode4",
	"itemQty1", "itemQty2", "itemQty3", "itemQty4", "itemTypeCode", "itemValue1", "itemValue2", "itemValue3", "itemValue4",
	"itemWgt1", "itemWgt2", "itemWgt3", "itemWgt4", "noCert", "noCertInv", "noInv", "noLicence", "otherFee", "postalChrg",
	"reqURL", "sendAddrTypeCode", "sendAddress1", "sendAddress2", "sendAddress3", "sendAddress4", "sendContactName",
	"sendCustRef", "sendEmail", "sendFaxNo", "sendTelNo", "service")

// ecOps are every operation of the four services.
var ecOps = []*ecOp{
	{service: ServiceCalculator, name: "getTotalPostage", req: "api01Req", reqType: "Api01Request", retType: "Api01",
		in:  strs("countryCode", "mailType", "shipCode", "weight", "insuranceAmount", "insuranceTypeCode", "mailSize"),
		out: []field{{"totalPostage", tDecimal}, {"additionalCharge", tDecimal}, {"insurancePremiumFee", tDecimal}}},

	{service: ServicePosting, name: "createOrder", req: "api02Req", reqType: "Api02Request", retType: "Api02", in: createOrderFields, out: orderReturn},
	{service: ServicePosting, name: "createTemporaryOrder", req: "api02Req", reqType: "Api02Request", retType: "Api02", in: createOrderFields, out: orderReturn},
	{service: ServicePosting, name: "cancelOrder", req: "api03Req", reqType: "Api03Request", retType: "Api03", in: strs("orderNo", "itemNo")},
	{service: ServicePosting, name: "cancelTemporaryOrder", req: "api12Req", reqType: "Api12Request", retType: "Api12", in: strs("orderNo")},
	{service: ServicePosting, name: "getOrderInfo", req: "api07Req", reqType: "Api07Request", retType: "Api07", in: strs("orderNo"), out: orderInfoReturn},
	{service: ServicePosting, name: "getTemporaryOrderInfo", req: "api07Req", reqType: "Api07Request", retType: "Api07", in: strs("orderNo"), out: orderInfoReturn},
	{service: ServicePosting, name: "getAddressPack", req: "api11Req", reqType: "Api11Request", retType: "Api11",
		in: []field{{"itemNo", tStrings}, {"printMode", tString}}, out: []field{{"ap", tBase64}}},
	{service: ServicePosting, name: "getCOP", req: "api10Req", reqType: "Api10Request", retType: "Api10",
		in: strs("itemNo"), out: []field{{"COP", tBase64}}},
	{service: ServicePosting, name: "getItemNo", req: "api26Req", reqType: "Api26Request", retType: "Api26",
		in: strs("searchParam", "searchType", "sortOrder"), out: []field{{"itemNo", tStrings}}},
	{service: ServicePosting, name: "getMcnInfo", req: "api27Req", reqType: "Api27Request", retType: "Api27",
		in: strs("mcn"), out: strs("ccCode", "plCode")},

	{service: ServiceTracking, name: "getMTTInfo", req: "api04Req", reqType: "Api04Request", retType: "Api04",
		in: strs("itemNo"), out: strs("ttStatus", "trackingDate")},
	{service: ServiceTracking, name: "getTTInfo", req: "api05Req", reqType: "Api05Request", retType: "Api05",
		in: strs("itemNo", "language"), out: []field{{"itemNo", tString}, {"trackingInfos", tTracking}}},

	{service: ServiceSoazPosting, name: "createSoazOrder", req: "api30Req", reqType: "Api30Request", retType: "Api30", soaz: true,
		in: soazOrderFields, out: strs("itemNo")},
	{service: ServiceSoazPosting, name: "getSoazAddressPack", req: "api31Req", reqType: "Api31Request", retType: "Api31", soaz: true,
		in: strs("cn22NoOfCopy", "cn23NoOfCopy", "createDate", "itemNo", "printMode", "signature"), out: []field{{"COP", tBase64}}},
}

// findOp finds an operation of a service by name.
func findOp(service, name string) *ecOp {
	for _, op := range ecOps {
		if op.service == service && op.name == name {
			return op
		}
	}
	return nil
}
