import type { Region } from './types';

/**
 * The 34 commercial AWS regions that can hold a latency record, placed at the metro AWS names
 * for each (degrees, WGS84; city-centre precision, which is all a distance model can use).
 * Names are the official console names.
 */
export const REGIONS: readonly Region[] = [
  { code: 'us-east-1', name: 'US East (N. Virginia)', city: 'Ashburn', lat: 39.04, lon: -77.49 },
  { code: 'us-east-2', name: 'US East (Ohio)', city: 'Columbus', lat: 39.96, lon: -83.0 },
  {
    code: 'us-west-1',
    name: 'US West (N. California)',
    city: 'San Jose',
    lat: 37.34,
    lon: -121.89,
  },
  { code: 'us-west-2', name: 'US West (Oregon)', city: 'Boardman', lat: 45.84, lon: -119.7 },
  { code: 'af-south-1', name: 'Africa (Cape Town)', city: 'Cape Town', lat: -33.92, lon: 18.42 },
  {
    code: 'ap-east-1',
    name: 'Asia Pacific (Hong Kong)',
    city: 'Hong Kong',
    lat: 22.32,
    lon: 114.17,
  },
  { code: 'ap-south-1', name: 'Asia Pacific (Mumbai)', city: 'Mumbai', lat: 19.08, lon: 72.88 },
  {
    code: 'ap-south-2',
    name: 'Asia Pacific (Hyderabad)',
    city: 'Hyderabad',
    lat: 17.39,
    lon: 78.49,
  },
  {
    code: 'ap-southeast-1',
    name: 'Asia Pacific (Singapore)',
    city: 'Singapore',
    lat: 1.35,
    lon: 103.82,
  },
  {
    code: 'ap-southeast-2',
    name: 'Asia Pacific (Sydney)',
    city: 'Sydney',
    lat: -33.87,
    lon: 151.21,
  },
  {
    code: 'ap-southeast-3',
    name: 'Asia Pacific (Jakarta)',
    city: 'Jakarta',
    lat: -6.21,
    lon: 106.85,
  },
  {
    code: 'ap-southeast-4',
    name: 'Asia Pacific (Melbourne)',
    city: 'Melbourne',
    lat: -37.81,
    lon: 144.96,
  },
  {
    code: 'ap-southeast-5',
    name: 'Asia Pacific (Malaysia)',
    city: 'Kuala Lumpur',
    lat: 3.14,
    lon: 101.69,
  },
  {
    code: 'ap-southeast-7',
    name: 'Asia Pacific (Thailand)',
    city: 'Bangkok',
    lat: 13.76,
    lon: 100.5,
  },
  { code: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)', city: 'Tokyo', lat: 35.68, lon: 139.69 },
  { code: 'ap-northeast-2', name: 'Asia Pacific (Seoul)', city: 'Seoul', lat: 37.57, lon: 126.98 },
  { code: 'ap-northeast-3', name: 'Asia Pacific (Osaka)', city: 'Osaka', lat: 34.69, lon: 135.5 },
  { code: 'ca-central-1', name: 'Canada (Central)', city: 'Montréal', lat: 45.5, lon: -73.57 },
  { code: 'ca-west-1', name: 'Canada West (Calgary)', city: 'Calgary', lat: 51.05, lon: -114.07 },
  { code: 'eu-central-1', name: 'Europe (Frankfurt)', city: 'Frankfurt', lat: 50.11, lon: 8.68 },
  { code: 'eu-central-2', name: 'Europe (Zurich)', city: 'Zurich', lat: 47.38, lon: 8.54 },
  { code: 'eu-west-1', name: 'Europe (Ireland)', city: 'Dublin', lat: 53.35, lon: -6.26 },
  { code: 'eu-west-2', name: 'Europe (London)', city: 'London', lat: 51.51, lon: -0.13 },
  { code: 'eu-west-3', name: 'Europe (Paris)', city: 'Paris', lat: 48.86, lon: 2.35 },
  { code: 'eu-south-1', name: 'Europe (Milan)', city: 'Milan', lat: 45.46, lon: 9.19 },
  { code: 'eu-south-2', name: 'Europe (Spain)', city: 'Zaragoza (Aragón)', lat: 41.65, lon: -0.88 },
  { code: 'eu-north-1', name: 'Europe (Stockholm)', city: 'Stockholm', lat: 59.33, lon: 18.07 },
  { code: 'il-central-1', name: 'Israel (Tel Aviv)', city: 'Tel Aviv', lat: 32.09, lon: 34.78 },
  { code: 'me-south-1', name: 'Middle East (Bahrain)', city: 'Manama', lat: 26.23, lon: 50.59 },
  { code: 'me-central-1', name: 'Middle East (UAE)', city: 'Dubai', lat: 25.2, lon: 55.27 },
  { code: 'mx-central-1', name: 'Mexico (Central)', city: 'Querétaro', lat: 20.59, lon: -100.39 },
  {
    code: 'sa-east-1',
    name: 'South America (São Paulo)',
    city: 'São Paulo',
    lat: -23.55,
    lon: -46.63,
  },
  {
    code: 'cn-north-1',
    name: 'China (Beijing)',
    city: 'Beijing',
    lat: 39.9,
    lon: 116.41,
    china: true,
  },
  {
    code: 'cn-northwest-1',
    name: 'China (Ningxia)',
    city: 'Zhongwei (Ningxia)',
    lat: 37.51,
    lon: 105.19,
    china: true,
  },
];

const BY_CODE: ReadonlyMap<string, Region> = new Map(REGIONS.map((r) => [r.code, r]));

/** Look a region up by its code (`us-east-1`); undefined when unknown. Case-sensitive, as AWS. */
export function findRegion(code: string): Region | undefined {
  return BY_CODE.get(code);
}

/** True when `code` names a region in REGIONS. */
export function isRegionCode(code: string): boolean {
  return BY_CODE.has(code);
}
