"""A real SOAP client for the Mail Tracking API: python3-zeep builds it from the WSDL.

Usage: zeep_client.py WSDL_URL USERNAME PASSWORD LANG [--as NAME] [--raw BODY] ITEM_NO...
Prints the response as JSON. The UsernameToken carries a PasswordDigest. --as sends another
integratorUsername in the body than the token's; --raw posts BODY as it is (not a well-formed call)
and reads the answer with the client built from the WSDL.
"""
import json
import sys

import zeep
from zeep.helpers import serialize_object
from zeep.wsse.username import UsernameToken


def main():
    url, username, password, lang = sys.argv[1:5]
    rest = sys.argv[5:]
    body_name, raw = username, None
    while rest and rest[0] in ("--as", "--raw"):
        if rest[0] == "--as":
            body_name = rest[1]
        else:
            raw = rest[1]
        rest = rest[2:]
    client = zeep.Client(url, wsse=UsernameToken(username, password, use_digest=True))
    if raw is not None:
        binding = client.service._binding
        operation = binding._operations["getItemDeliveryStatus"]
        reply = client.transport.post(client.service._binding_options["address"], raw.encode("utf-8"),
                                      {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})
        resp = binding.process_reply(client, operation, reply)
    else:
        resp = client.service.getItemDeliveryStatus(integratorUsername=body_name, lang=lang, itemNo=rest)
    print(json.dumps(serialize_object(resp), default=str, ensure_ascii=False))


if __name__ == "__main__":
    main()
