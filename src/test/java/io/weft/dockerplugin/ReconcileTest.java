package io.weft.dockerplugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.net.Cidr;
import io.weft.net.Ip;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileTest {
  static final Cidr POOL = Cidr.parse("10.33.0.0/24");

  static JsonObject network(String driver, String subnet, String... endpoints) {
    JsonObject containers = new JsonObject();
    for (int i = 0; i < endpoints.length; i++) {
      containers.put("c" + i, new JsonObject().put("IPv4Address", endpoints[i]));
    }
    return new JsonObject().put("IPAM", new JsonObject().put("Driver", driver)
        .put("Config", new JsonArray().add(new JsonObject().put("Subnet", subnet))))
        .put("Containers", containers);
  }

  static JsonObject held(DriverIdent ident, String address) {
    return new JsonObject().put("containerid", ident.toString())
        .put("addrs", new JsonArray().add(address));
  }

  @Test
  void onlyDriverAddressesThatNoNetworkOfTheDriverUsesAreStale() {
    DriverIdent gone = DriverIdent.fresh(DriverIdent.Kind.ENDPOINT, POOL);
    DriverIdent live = DriverIdent.fresh(DriverIdent.Kind.ENDPOINT, POOL);
    DriverIdent young = DriverIdent.fresh(DriverIdent.Kind.ENDPOINT, POOL);
    DriverIdent gateway = DriverIdent.fresh(DriverIdent.Kind.GATEWAY, POOL);
    DriverIdent oldGateway = DriverIdent.fresh(DriverIdent.Kind.GATEWAY,
        Cidr.parse("10.34.0.0/24"));
    JsonArray owned = new JsonArray().add(held(gone, "10.33.0.5/24"))
        .add(held(live, "10.33.0.6/24")).add(held(young, "10.33.0.7/24"))
        .add(held(gateway, "10.33.0.1/24")).add(held(oldGateway, "10.34.0.1/24"))
        .add(new JsonObject().put("containerid", "0123456789ab")
            .put("addrs", new JsonArray().add("10.33.0.9/24")));
    JsonArray networks = new JsonArray().add(network("weft", "10.33.0.0/24", "10.33.0.6/24"))
        .add(network("other", "10.34.0.0/24", "10.33.0.5/24"));

    Map<String, DriverIdent> stale = Reconcile.stale(owned, Reconcile.live(networks, "weft"),
        a -> a == Ip.parse("10.33.0.7"));

    assertThat(stale).containsOnlyKeys("10.33.0.5", "10.34.0.1");
    assertThat(stale.get("10.33.0.5")).isEqualTo(gone);
  }

  @Test
  void identsReadBackAsWritten() {
    DriverIdent ident = DriverIdent.fresh(DriverIdent.Kind.GATEWAY, POOL);
    assertThat(DriverIdent.parse(ident.toString())).contains(ident);
    assertThat(ident.toString()).matches("docker-gw\\.10\\.33\\.0\\.0-24\\.[0-9a-f]{12}");
    assertThat(DriverIdent.parse("docker-ep.bad")).isEmpty();
    assertThat(DriverIdent.parse("0123456789ab")).isEmpty();
  }
}
