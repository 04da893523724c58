package soap

import (
	"bytes"
	"encoding/xml"
	"sync"
)

// The EC-Ship WSDLs are written from the operation table (ecOps), once per service: SOAP 1.1,
// document/literal wrapped, as Axis published them. Operation elements and their wrappers are in
// the web namespace, objects and their fields in the obj namespace, both qualified. Every request
// field is optional and nillable (PHP's SoapClient refuses, before sending, a request that lacks
// a required field); every return field is present in each answer.

var (
	wsdlOnce sync.Once
	wsdls    map[string][]byte // by service, with {{LOCATION}} for the endpoint's address
)

// ecshipWSDL is the WSDL of a service.
func ecshipWSDL(service string) []byte {
	wsdlOnce.Do(func() {
		wsdls = map[string][]byte{}
		for _, s := range ecServices {
			wsdls[s] = buildWSDL(s)
		}
	})
	return wsdls[service]
}

func xsdType(t fieldType) string {
	switch t {
	case tInt:
		return "xsd:int"
	case tDecimal:
		return "xsd:decimal"
	case tBase64:
		return "xsd:base64Binary"
	case tProducts:
		return "obj:ArrayOfProductItem"
	case tStrings:
		return "obj:ArrayOfString"
	case tTracking:
		return "obj:ArrayOfTrackingInfo"
	}
	return "xsd:string"
}

// writeFields writes a sequence of optional, nillable elements.
func writeFields(b *bytes.Buffer, indent string, fields []field) {
	b.WriteString(indent + "<xsd:sequence>\n")
	for _, f := range fields {
		b.WriteString(indent + `  <xsd:element name="` + f.name + `" type="` + xsdType(f.typ) + `" minOccurs="0" nillable="true"/>` + "\n")
	}
	b.WriteString(indent + "</xsd:sequence>\n")
}

// complexType writes a named type: its own fields, extending base when base is not empty.
func complexType(b *bytes.Buffer, name, base string, fields []field) {
	b.WriteString(`      <xsd:complexType name="` + name + `">` + "\n")
	if base == "" {
		writeFields(b, "        ", fields)
	} else {
		b.WriteString(`        <xsd:complexContent><xsd:extension base="obj:` + base + `">` + "\n")
		writeFields(b, "          ", fields)
		b.WriteString("        </xsd:extension></xsd:complexContent>\n")
	}
	b.WriteString("      </xsd:complexType>\n")
}

// arrayType writes a list type: item elements of itemType.
func arrayType(b *bytes.Buffer, name, itemType string) {
	b.WriteString(`      <xsd:complexType name="` + name + `"><xsd:sequence>` +
		`<xsd:element name="item" type="` + itemType + `" minOccurs="0" maxOccurs="unbounded" nillable="true"/>` +
		"</xsd:sequence></xsd:complexType>\n")
}

func buildWSDL(service string) []byte {
	var ops []*ecOp
	for _, op := range ecOps {
		if op.service == service {
			ops = append(ops, op)
		}
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="` + service + `" targetNamespace="` + ECShipWebNamespace + `"
    xmlns:tns="` + ECShipWebNamespace + `" xmlns:obj="` + ECShipObjNamespace + `"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <wsdl:documentation>
    EC-Ship integrator API (ecship), service ` + service + `. SOAP 1.1, document/literal wrapped.
    Credentials travel in a WS-Security UsernameToken (PasswordDigest base64(sha1(nonce + Created +
    key)), with Nonce and wsu:Created); integratorUsername in the request must be the token's Username,
    and the sender's account (ecshipUsername, hkpId or soazUsername) one the integrator acts for.
    status 0 is success; any other status comes with errMessage saying why. Elements are read by
    local name: namespace prefixes and qualification are free.
  </wsdl:documentation>
  <wsdl:types>
    <xsd:schema targetNamespace="` + ECShipObjNamespace + `" elementFormDefault="qualified">
`)
	complexType(&b, "ApiResponseObject", "", baseReturn)
	complexType(&b, "ApiRequestObject", "", baseRequest)
	complexType(&b, "ApiRequestObjectSoaz", "", soazRequest)
	complexType(&b, "ProductItem", "", productItem)
	arrayType(&b, "ArrayOfProductItem", "obj:ProductItem")
	arrayType(&b, "ArrayOfString", "xsd:string")
	complexType(&b, "TrackingInfo", "", trackingInfo)
	arrayType(&b, "ArrayOfTrackingInfo", "obj:TrackingInfo")
	written := map[string]bool{}
	for _, op := range ops {
		if !written[op.reqType] {
			base := "ApiRequestObject"
			if op.soaz {
				base = "ApiRequestObjectSoaz"
			}
			complexType(&b, op.reqType, base, op.in)
			written[op.reqType] = true
		}
		if !written[op.retType] {
			complexType(&b, op.retType, "ApiResponseObject", op.out)
			written[op.retType] = true
		}
	}
	b.WriteString(`    </xsd:schema>
    <xsd:schema targetNamespace="` + ECShipWebNamespace + `" elementFormDefault="qualified">
      <xsd:import namespace="` + ECShipObjNamespace + `"/>
`)
	for _, op := range ops {
		b.WriteString(`      <xsd:element name="` + op.name + `"><xsd:complexType><xsd:sequence>` +
			`<xsd:element name="` + op.req + `" type="obj:` + op.reqType + `" minOccurs="0" nillable="true"/>` +
			"</xsd:sequence></xsd:complexType></xsd:element>\n")
		b.WriteString(`      <xsd:element name="` + op.name + `Response"><xsd:complexType><xsd:sequence>` +
			`<xsd:element name="` + op.name + `Return" type="obj:` + op.retType + `"/>` +
			"</xsd:sequence></xsd:complexType></xsd:element>\n")
	}
	b.WriteString("    </xsd:schema>\n  </wsdl:types>\n")
	for _, op := range ops {
		b.WriteString(`  <wsdl:message name="` + op.name + `Request"><wsdl:part name="parameters" element="tns:` + op.name + `"/></wsdl:message>` + "\n")
		b.WriteString(`  <wsdl:message name="` + op.name + `Response"><wsdl:part name="parameters" element="tns:` + op.name + `Response"/></wsdl:message>` + "\n")
	}
	b.WriteString(`  <wsdl:portType name="` + service + `">` + "\n")
	for _, op := range ops {
		b.WriteString(`    <wsdl:operation name="` + op.name + `"><wsdl:input name="` + op.name + `Request" message="tns:` + op.name + `Request"/>` +
			`<wsdl:output name="` + op.name + `Response" message="tns:` + op.name + `Response"/></wsdl:operation>` + "\n")
	}
	b.WriteString("  </wsdl:portType>\n")
	b.WriteString(`  <wsdl:binding name="` + service + `SoapBinding" type="tns:` + service + `">` + "\n" +
		`    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>` + "\n")
	for _, op := range ops {
		b.WriteString(`    <wsdl:operation name="` + op.name + `"><soap:operation soapAction=""/>` +
			`<wsdl:input name="` + op.name + `Request"><soap:body use="literal"/></wsdl:input>` +
			`<wsdl:output name="` + op.name + `Response"><soap:body use="literal"/></wsdl:output></wsdl:operation>` + "\n")
	}
	b.WriteString("  </wsdl:binding>\n")
	b.WriteString(`  <wsdl:service name="` + service + `Service"><wsdl:port name="` + service + `" binding="tns:` + service + `SoapBinding">` +
		`<soap:address location="{{LOCATION}}"/></wsdl:port></wsdl:service>` + "\n</wsdl:definitions>\n")
	return b.Bytes()
}

// wsdlAt is the WSDL of a service with its endpoint address.
func wsdlAt(service, location string) []byte {
	var loc bytes.Buffer
	xml.EscapeText(&loc, []byte(location))
	return bytes.Replace(ecshipWSDL(service), []byte("{{LOCATION}}"), loc.Bytes(), 1)
}
