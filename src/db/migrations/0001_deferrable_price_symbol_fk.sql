-- Bulk loads COPY bars straight into stock_prices and create the stocks they name before commit:
-- the foreign key is checked at commit inside such a load (SET CONSTRAINTS ... DEFERRED), and at
-- once everywhere else. drizzle cannot declare a deferrable key, hence this hand-written step.
ALTER TABLE "stock_prices" DROP CONSTRAINT "stock_prices_symbol_stocks_symbol_fk";--> statement-breakpoint
ALTER TABLE "stock_prices" ADD CONSTRAINT "stock_prices_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE cascade ON UPDATE no action DEFERRABLE INITIALLY IMMEDIATE;
