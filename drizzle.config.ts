import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './appliance/store/schema.ts',
  out: './appliance/store/migrations',
});
