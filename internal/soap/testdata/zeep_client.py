"""A real SOAP client for the Mail Tracking API: python3-zeep builds it from the WSDL.

Usage: zeep_client.py WSDL_URL USERNAME PASSWORD LANG ITEM_NO...
Prints the response as JSON. The UsernameToken carries a PasswordDigest.
"""
import json
import sys

import zeep
from zeep.helpers import serialize_object
from zeep.wsse.username import UsernameToken


def main():
    url, username, password, lang = sys.argv[1:5]
    items = sys.argv[5:]
    client = zeep.Client(url, wsse=UsernameToken(username, password, use_digest=True))
    resp = client.service.getItemDeliveryStatus(integratorUsername=username, lang=lang, itemNo=items)
    print(json.dumps(serialize_object(resp), default=str, ensure_ascii=False))


if __name__ == "__main__":
    main()
