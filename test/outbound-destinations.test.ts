/**
 * Leadex calls URLs its users type in. With OUTBOUND_ALLOW_PRIVATE_ADDRESSES off (as in
 * production) a webhook or an external buyer on a loopback or private address is never called,
 * and the refusal is written where the user looks: the delivery log, the ping's bids.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNonPublicAddress } from "~/utils/outbound-destination.server";
import { useTestStack } from "./support/app";
import { startFakeBuyer, type FakeBuyer } from "./support/fake-buyer";
import { startHttpReceiver, type HttpReceiver } from "./support/http-receiver";
import { makeMarket, pingOneExternalBuyer, postAndSettle, settledDelivery } from "./support/selling";

const stack = useTestStack({ env: { OUTBOUND_ALLOW_PRIVATE_ADDRESSES: "false", DELIVERY_MAX_ATTEMPTS: "1", PING_TIMEOUT_MS: "1000" } });
let crm: HttpReceiver;
let buyer: FakeBuyer;
beforeAll(async () => {
  crm = await startHttpReceiver();
  buyer = await startFakeBuyer({ bidCents: 9000 });
});
afterAll(async () => {
  await crm.close();
  await buyer.close();
});

describe("outbound destinations", () => {
  it("tells loopback, private, link-local and other non-public addresses from public ones", () => {
    const local = [
      ...["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.10", "169.254.169.254", "100.64.0.1", "0.0.0.0", "255.255.255.255"],
      ...["192.0.2.1", "198.51.100.7", "203.0.113.9", "240.0.0.1", "224.0.0.1", "198.18.0.1"], // documentation, reserved, multicast, benchmarking
      ...["::", "::1", "fd00::1", "fe80::1", "fec0::1", "ff02::1", "2001:db8::1", "3fff::1", "100::1"],
      ...["::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:7f00:1", "::FFFF:10.0.0.1", "::ffff:a9fe:a9fe"], // IPv4-mapped, either notation
      ...["::7f00:1", "::127.0.0.1", "::8.8.8.8"], // IPv4-compatible
      ...["2002:7f00:1::1", "2002:808:808::1", "2001::1", "2001:0:4136:e378::1", "64:ff9b::7f00:1", "64:ff9b::808:808", "64:ff9b:1::1"], // 6to4, Teredo, NAT64
      ...["not-an-ip", "", "fe80::1%eth0"],
    ];
    const publicOnes = [
      "8.8.8.8",
      "93.184.216.34",
      "172.32.0.1",
      "223.255.255.255",
      "2606:4700:4700::1111",
      "2a00:1450:4001::200e",
      "::ffff:8.8.8.8",
      "::ffff:808:808",
    ];
    expect(local.filter((a) => !isNonPublicAddress(a))).toEqual([]);
    expect(publicOnes.filter(isNonPublicAddress)).toEqual([]);
  });

  it("never calls a CRM webhook on a loopback address, and says why in the delivery log", async () => {
    const { affiliate, offer } = await makeMarket(stack(), { webhookUrl: `${crm.url}/crm` });
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    expect(lead.status).toBe("SOLD");
    const delivery = await settledDelivery(lead.id, "CRM_WEBHOOK");
    expect(delivery.status).toBe("FAILED");
    expect(delivery.attemptLog[0].error).toBe("Not sent: 127.0.0.1 is a private or local address (127.0.0.1); Leadex only calls public addresses");
    expect(crm.requests).toEqual([]);
  });

  it("never pings an external buyer on a loopback address: its bid is an error naming the address", async () => {
    const { status, answer, bids } = await pingOneExternalBuyer(stack(), { pingUrl: buyer.pingUrl, postUrl: buyer.postUrl });
    expect(status).toBe(200);
    expect(answer).toMatchObject({ bid: null, reasons: ["no_bid"], buyers_asked: 1, bids_received: 0 });
    const [bid] = bids;
    expect(bid.status).toBe("ERROR");
    expect(bid.detail).toMatch(/^not called: 127\.0\.0\.1 is a private or local address/);
    expect(buyer.pings).toEqual([]);
  });
});
