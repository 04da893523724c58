<?php
// A shop plugin's way to call the EC-Ship API: PHP's SoapClient in WSDL mode, a WS-Security
// UsernameToken header (PasswordDigest, mustUnderstand) built by hand, and __soapCall with the
// request wrapper, as existing EC-Ship libraries do.
//
// Usage: php ecship_soapclient.php BASE_URL INTEGRATOR KEY SENDER
// Prints the Returns of getTotalPostage, createOrder, getAddressPack and cancelOrder as JSON.

[$base, $user, $key, $sender] = array_slice($argv, 1, 4);

function wsse($user, $key) {
    $nonce = random_bytes(16);
    $created = gmdate('Y-m-d\TH:i:s\Z');
    $digest = base64_encode(sha1($nonce . $created . $key, true));
    $xml = '<wsse:Security SOAP-ENV:mustUnderstand="1" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">'
        . '<wsse:UsernameToken><wsse:Username>' . htmlspecialchars($user) . '</wsse:Username>'
        . '<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">' . $digest . '</wsse:Password>'
        . '<wsse:Nonce>' . base64_encode($nonce) . '</wsse:Nonce><wsu:Created>' . $created . '</wsu:Created>'
        . '</wsse:UsernameToken></wsse:Security>';
    return new SoapHeader('http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd', 'Security', new SoapVar($xml, XSD_ANYXML), true);
}

function svc($base, $name, $user, $key) {
    $c = new SoapClient($base . '/' . $name . '?wsdl', ['trace' => 1, 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE]);
    $c->__setSoapHeaders([wsse($user, $key)]);
    return $c;
}

$who = ['ecshipUsername' => $sender, 'hkpid' => '', 'integratorUsername' => $user];
$out = [];
$calc = svc($base, 'Calculator', $user, $key);
$out['quote'] = $calc->__soapCall('getTotalPostage', [['api01Req' => $who + ['countryCode' => 'JPA', 'shipCode' => 'EMS', 'weight' => 0.5]]])->getTotalPostageReturn;

$posting = svc($base, 'Posting', $user, $key);
$order = $posting->__soapCall('createOrder', [['api02Req' => $who + [
    'shipCode' => 'AEP', 'countryCode' => 'USB', 'mailType' => 'E', 'refNo' => 'PHP-1',
    'senderName' => 'Chan Tai Man', 'senderAddress' => '8 Nathan Road, Tsim Sha Tsui', 'senderContactNo' => '91234567',
    'recipientName' => 'Jane Doe', 'recipientAddress' => '350 Fifth Avenue', 'recipientCity' => 'New York, NY',
    'recipientPostalNo' => '10118', 'recipientContactNo' => '2125550100', 'itemCategory' => 'M',
    'products' => ['item' => [
        ['contentDesc' => 'Silk scarf', 'currencyCode' => 'HKD', 'productCountry' => 'HKG', 'productQty' => 2,
         'productTariffCode' => '621410', 'productValue' => 380, 'productWeight' => 0.3],
        ['contentDesc' => 'Tea', 'currencyCode' => 'HKD', 'productCountry' => 'CNA', 'productQty' => 1,
         'productTariffCode' => '090230', 'productValue' => 120.5, 'productWeight' => 0.25],
    ]],
]]])->createOrderReturn;
$out['order'] = $order;
$posting->__setSoapHeaders([wsse($user, $key)]);
$pack = $posting->__soapCall('getAddressPack', [['api11Req' => $who + ['itemNo' => ['item' => [$order->itemNo]], 'printMode' => '0']]])->getAddressPackReturn;
$out['pack'] = ['status' => $pack->status, 'pdf' => substr($pack->ap ?? '', 0, 5), 'bytes' => strlen($pack->ap ?? '')];
$posting->__setSoapHeaders([wsse($user, $key)]);
$out['cancel'] = $posting->__soapCall('cancelOrder', [['api03Req' => $who + ['orderNo' => $order->orderNo]]])->cancelOrderReturn;
echo json_encode($out, JSON_UNESCAPED_UNICODE), "\n";
