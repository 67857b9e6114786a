CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"watchlist_id" uuid,
	"symbol" varchar(16) NOT NULL,
	"kind" varchar(16) NOT NULL,
	"threshold" numeric NOT NULL,
	"price" numeric NOT NULL,
	"change_percent" numeric,
	"dedupe_key" varchar(128),
	"fired_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "alerts_kind_check" CHECK ("alerts"."kind" in ('above', 'below', 'change_percent'))
);
--> statement-breakpoint
CREATE TABLE "portfolio_transactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"holding_id" uuid NOT NULL,
	"symbol" varchar(16) NOT NULL,
	"type" varchar(8) NOT NULL,
	"date" timestamp with time zone NOT NULL,
	"trading_date" date NOT NULL,
	"shares" numeric NOT NULL,
	"price" numeric NOT NULL,
	"fees" numeric DEFAULT '0' NOT NULL,
	"currency" varchar(3) NOT NULL,
	"source" varchar(8) NOT NULL,
	"duplicate_key" varchar(64),
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portfolio_transactions_type_check" CHECK ("portfolio_transactions"."type" in ('buy', 'sell', 'dividend', 'split')),
	CONSTRAINT "portfolio_transactions_source_check" CHECK ("portfolio_transactions"."source" in ('opening', 'manual', 'import')),
	CONSTRAINT "portfolio_transactions_shares_check" CHECK ("portfolio_transactions"."shares" > 0),
	CONSTRAINT "portfolio_transactions_price_check" CHECK ("portfolio_transactions"."price" >= 0),
	CONSTRAINT "portfolio_transactions_fees_check" CHECK ("portfolio_transactions"."fees" >= 0)
);
--> statement-breakpoint
ALTER TABLE "portfolio_holdings" DROP CONSTRAINT "portfolio_holdings_shares_check";--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ALTER COLUMN "shares" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ALTER COLUMN "average_price" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ADD COLUMN "currency" varchar(3) DEFAULT 'USD' NOT NULL;--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ADD COLUMN "total_cost" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ADD COLUMN "realised_pnl" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ADD COLUMN "dividends" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ADD COLUMN "transaction_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ADD COLUMN "ledger_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "watchlists" ADD COLUMN "alert_change_percent" numeric(9, 4);--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_watchlist_id_watchlists_id_fk" FOREIGN KEY ("watchlist_id") REFERENCES "public"."watchlists"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portfolio_transactions" ADD CONSTRAINT "portfolio_transactions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portfolio_transactions" ADD CONSTRAINT "portfolio_transactions_holding_id_portfolio_holdings_id_fk" FOREIGN KEY ("holding_id") REFERENCES "public"."portfolio_holdings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portfolio_transactions" ADD CONSTRAINT "portfolio_transactions_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alerts_user_fired_at_idx" ON "alerts" USING btree ("user_id","fired_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_user_dedupe_key_key" ON "alerts" USING btree ("user_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "portfolio_transactions_user_trading_date_idx" ON "portfolio_transactions" USING btree ("user_id","trading_date");--> statement-breakpoint
CREATE INDEX "portfolio_transactions_holding_idx" ON "portfolio_transactions" USING btree ("holding_id");--> statement-breakpoint
CREATE UNIQUE INDEX "portfolio_transactions_user_duplicate_key_key" ON "portfolio_transactions" USING btree ("user_id","duplicate_key");--> statement-breakpoint
CREATE UNIQUE INDEX "portfolio_transactions_opening_key" ON "portfolio_transactions" USING btree ("holding_id") WHERE "portfolio_transactions"."source" = 'opening';--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ADD CONSTRAINT "portfolio_holdings_shares_check" CHECK ("portfolio_holdings"."shares" >= 0);--> statement-breakpoint
ALTER TABLE "watchlists" ADD CONSTRAINT "watchlists_alert_change_percent_check" CHECK ("watchlists"."alert_change_percent" > 0);