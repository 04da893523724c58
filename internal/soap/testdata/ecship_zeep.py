"""A real SOAP client of the EC-Ship API: python3-zeep builds it from the four WSDLs.

Usage: ecship_zeep.py BASE_URL INTEGRATOR KEY SENDER TRACKED_ITEM
Runs a shop's day through the generated client (a quote, an order with two products, its details,
its address pack, the tracking of TRACKED_ITEM, a cancellation) and prints each Return as JSON.
Any warning while reading a WSDL fails the run.
"""
import base64
import json
import sys
import warnings

import zeep
from zeep.helpers import serialize_object
from zeep.wsse.username import UsernameToken


def client(base, service, user, key):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return zeep.Client(base + "/" + service + "?wsdl", wsse=UsernameToken(user, key, use_digest=True))


def main():
    base, user, key, sender, tracked = sys.argv[1:6]
    calc = client(base, "Calculator", user, key)
    posting = client(base, "Posting", user, key)
    track = client(base, "Tracking", user, key)
    client(base, "SoazPosting", user, key)
    who = {"ecshipUsername": sender, "integratorUsername": user}
    out = {}
    out["quote"] = calc.service.getTotalPostage(api01Req=dict(who, countryCode="USB", shipCode="AEP", weight="0.55"))
    order = posting.service.createOrder(api02Req=dict(
        who, shipCode="AEP", countryCode="USB", mailType="E", refNo="ZEEP-1",
        senderName="Chan Tai Man", senderAddress="8 Nathan Road, Tsim Sha Tsui", senderContactNo="91234567",
        recipientName="Jane Doe", recipientAddress="350 Fifth Avenue", recipientCity="New York, NY",
        recipientPostalNo="10118", recipientContactNo="2125550100", itemCategory="M",
        products={"item": [
            {"contentDesc": "Silk scarf", "currencyCode": "HKD", "productCountry": "HKG", "productQty": "2",
             "productTariffCode": "621410", "productValue": "380", "productWeight": "0.3"},
            {"contentDesc": "Tea", "currencyCode": "HKD", "productCountry": "CNA", "productQty": "1",
             "productTariffCode": "090230", "productValue": "120.50", "productWeight": "0.25"}]}))
    out["order"] = order
    out["info"] = posting.service.getOrderInfo(api07Req=dict(who, orderNo=order.orderNo))
    pack = posting.service.getAddressPack(api11Req=dict(who, itemNo={"item": [order.itemNo]}, printMode="0"))
    out["pack"] = {"status": pack.status, "pdf": (pack.ap or b"")[:5].decode("latin-1"), "bytes": len(pack.ap or b"")}
    out["tt"] = track.service.getTTInfo(api05Req=dict(who, itemNo=tracked, language="C"))
    out["mtt"] = track.service.getMTTInfo(api04Req=dict(who, itemNo=tracked))
    out["cancel"] = posting.service.cancelOrder(api03Req=dict(who, orderNo=order.orderNo))
    print(json.dumps({k: serialize_object(v) for k, v in out.items()}, default=str, ensure_ascii=False))


if __name__ == "__main__":
    main()
