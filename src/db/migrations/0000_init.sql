CREATE TABLE "refresh_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"family_id" uuid NOT NULL,
	"token_hash" varchar(64) NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"rotated_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_ip" varchar(45),
	"user_agent" varchar(300),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_profiles" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"tier" varchar(16) DEFAULT 'basic' NOT NULL,
	"api_key_hash" varchar(64) NOT NULL,
	"api_key_prefix" varchar(16) NOT NULL,
	"api_key_created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"daily_request_limit" integer,
	"notification_preferences" jsonb NOT NULL,
	"last_login_ip" varchar(45),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_profiles_tier_check" CHECK ("user_profiles"."tier" in ('basic', 'premium', 'pro')),
	CONSTRAINT "user_profiles_daily_request_limit_check" CHECK ("user_profiles"."daily_request_limit" is null or "user_profiles"."daily_request_limit" > 0)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" varchar(254) NOT NULL,
	"password_hash" text NOT NULL,
	"full_name" varchar(150) DEFAULT '' NOT NULL,
	"avatar_url" varchar(500),
	"is_email_verified" boolean DEFAULT false NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"is_admin" boolean DEFAULT false NOT NULL,
	"last_login" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "market_scan_results" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"symbol" varchar(16) NOT NULL,
	"timeframe" varchar(8) NOT NULL,
	"scanned_at" timestamp with time zone NOT NULL,
	"price" numeric(18, 6) NOT NULL,
	"change" numeric(18, 6) NOT NULL,
	"change_percent" numeric(12, 4) NOT NULL,
	"volume" bigint NOT NULL,
	"avg_volume" bigint NOT NULL,
	"volume_ratio" numeric(12, 4) NOT NULL,
	"is_unusual_volume" boolean DEFAULT false NOT NULL,
	"is_breakout" boolean DEFAULT false NOT NULL,
	"is_gainer" boolean DEFAULT false NOT NULL,
	"is_loser" boolean DEFAULT false NOT NULL,
	"trend" varchar(8) NOT NULL,
	"support" numeric(18, 6),
	"resistance" numeric(18, 6),
	"rsi" numeric(24, 8),
	"sma_20" numeric(24, 8),
	"sma_50" numeric(24, 8),
	CONSTRAINT "market_scan_results_timeframe_check" CHECK ("market_scan_results"."timeframe" in ('daily', 'weekly', 'monthly')),
	CONSTRAINT "market_scan_results_trend_check" CHECK ("market_scan_results"."trend" in ('Bullish', 'Bearish', 'Neutral'))
);
--> statement-breakpoint
CREATE TABLE "news_articles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"symbol" varchar(16) NOT NULL,
	"title" varchar(500) NOT NULL,
	"description" text,
	"source" varchar(200),
	"url" varchar(1000) NOT NULL,
	"url_to_image" varchar(1000),
	"published_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sentiments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"symbol" varchar(16) NOT NULL,
	"article_id" uuid,
	"ai_sentiment" varchar(8) NOT NULL,
	"ai_score" numeric(6, 4) NOT NULL,
	"analysis" text,
	"model" varchar(64),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sentiments_ai_sentiment_check" CHECK ("sentiments"."ai_sentiment" in ('positive', 'neutral', 'negative')),
	CONSTRAINT "sentiments_ai_score_check" CHECK ("sentiments"."ai_score" between -1 and 1)
);
--> statement-breakpoint
CREATE TABLE "stock_predictions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"symbol" varchar(16) NOT NULL,
	"predicted_at" timestamp with time zone NOT NULL,
	"model" varchar(64) NOT NULL,
	"current_price" numeric(18, 6) NOT NULL,
	"short_term_target" numeric(18, 6) NOT NULL,
	"short_term_change" numeric(12, 4) NOT NULL,
	"short_term_confidence" numeric(5, 2) NOT NULL,
	"short_term_trend" varchar(10) NOT NULL,
	"medium_term_target" numeric(18, 6) NOT NULL,
	"medium_term_change" numeric(12, 4) NOT NULL,
	"medium_term_confidence" numeric(5, 2) NOT NULL,
	"medium_term_trend" varchar(10) NOT NULL,
	"long_term_target" numeric(18, 6) NOT NULL,
	"long_term_change" numeric(12, 4) NOT NULL,
	"long_term_confidence" numeric(5, 2) NOT NULL,
	"long_term_trend" varchar(10) NOT NULL,
	"bullish_score" integer NOT NULL,
	"risk_level" varchar(8) NOT NULL,
	"overall_sentiment" varchar(16) NOT NULL,
	CONSTRAINT "stock_predictions_bullish_score_check" CHECK ("stock_predictions"."bullish_score" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "stock_prices" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"symbol" varchar(16) NOT NULL,
	"interval" varchar(3) NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"open" numeric(18, 6) NOT NULL,
	"high" numeric(18, 6) NOT NULL,
	"low" numeric(18, 6) NOT NULL,
	"close" numeric(18, 6) NOT NULL,
	"adjusted_close" numeric(18, 6),
	"volume" bigint NOT NULL,
	"source" varchar(16) NOT NULL,
	CONSTRAINT "stock_prices_interval_check" CHECK ("stock_prices"."interval" in ('1m', '1d')),
	CONSTRAINT "stock_prices_volume_check" CHECK ("stock_prices"."volume" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stocks" (
	"symbol" varchar(16) PRIMARY KEY NOT NULL,
	"name" varchar(200) NOT NULL,
	"sector" varchar(100),
	"industry" varchar(150),
	"market_cap" numeric(22, 2),
	"exchange" varchar(32),
	"currency" varchar(3) DEFAULT 'USD' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "technical_indicators" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"symbol" varchar(16) NOT NULL,
	"interval" varchar(3) DEFAULT '1d' NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"sma_20" numeric(24, 8),
	"sma_50" numeric(24, 8),
	"sma_200" numeric(24, 8),
	"ema_12" numeric(24, 8),
	"ema_26" numeric(24, 8),
	"rsi_14" numeric(24, 8),
	"macd" numeric(24, 8),
	"macd_signal" numeric(24, 8),
	"macd_histogram" numeric(24, 8),
	"bollinger_upper" numeric(24, 8),
	"bollinger_middle" numeric(24, 8),
	"bollinger_lower" numeric(24, 8),
	"atr_14" numeric(24, 8),
	"obv" numeric(24, 0),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portfolio_holdings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"symbol" varchar(16) NOT NULL,
	"shares" numeric(20, 6) NOT NULL,
	"average_price" numeric(18, 6) NOT NULL,
	"purchase_date" timestamp with time zone,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portfolio_holdings_shares_check" CHECK ("portfolio_holdings"."shares" > 0),
	CONSTRAINT "portfolio_holdings_average_price_check" CHECK ("portfolio_holdings"."average_price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "watchlists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"symbol" varchar(16) NOT NULL,
	"alert_price_above" numeric(18, 6),
	"alert_price_below" numeric(18, 6),
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD CONSTRAINT "user_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_scan_results" ADD CONSTRAINT "market_scan_results_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "news_articles" ADD CONSTRAINT "news_articles_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sentiments" ADD CONSTRAINT "sentiments_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sentiments" ADD CONSTRAINT "sentiments_article_id_news_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."news_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD CONSTRAINT "stock_predictions_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_prices" ADD CONSTRAINT "stock_prices_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technical_indicators" ADD CONSTRAINT "technical_indicators_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ADD CONSTRAINT "portfolio_holdings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portfolio_holdings" ADD CONSTRAINT "portfolio_holdings_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watchlists" ADD CONSTRAINT "watchlists_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watchlists" ADD CONSTRAINT "watchlists_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "refresh_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "refresh_tokens_family_idx" ON "refresh_tokens" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "refresh_tokens_user_idx" ON "refresh_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "user_profiles_api_key_hash_key" ON "user_profiles" USING btree ("api_key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "market_scan_results_symbol_timeframe_scanned_at_key" ON "market_scan_results" USING btree ("symbol","timeframe","scanned_at");--> statement-breakpoint
CREATE INDEX "market_scan_results_timeframe_scanned_at_idx" ON "market_scan_results" USING btree ("timeframe","scanned_at");--> statement-breakpoint
CREATE UNIQUE INDEX "news_articles_symbol_url_key" ON "news_articles" USING btree ("symbol","url");--> statement-breakpoint
CREATE INDEX "news_articles_symbol_published_at_idx" ON "news_articles" USING btree ("symbol","published_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sentiments_article_id_key" ON "sentiments" USING btree ("article_id");--> statement-breakpoint
CREATE INDEX "sentiments_symbol_created_at_idx" ON "sentiments" USING btree ("symbol","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stock_predictions_symbol_predicted_at_key" ON "stock_predictions" USING btree ("symbol","predicted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stock_prices_symbol_interval_timestamp_key" ON "stock_prices" USING btree ("symbol","interval","timestamp");--> statement-breakpoint
CREATE INDEX "stock_prices_interval_timestamp_idx" ON "stock_prices" USING btree ("interval","timestamp");--> statement-breakpoint
CREATE INDEX "stocks_sector_idx" ON "stocks" USING btree ("sector");--> statement-breakpoint
CREATE INDEX "stocks_active_idx" ON "stocks" USING btree ("is_active");--> statement-breakpoint
CREATE UNIQUE INDEX "technical_indicators_symbol_interval_timestamp_key" ON "technical_indicators" USING btree ("symbol","interval","timestamp");--> statement-breakpoint
CREATE UNIQUE INDEX "portfolio_holdings_user_symbol_key" ON "portfolio_holdings" USING btree ("user_id","symbol");--> statement-breakpoint
CREATE INDEX "portfolio_holdings_symbol_idx" ON "portfolio_holdings" USING btree ("symbol");--> statement-breakpoint
CREATE UNIQUE INDEX "watchlists_user_symbol_key" ON "watchlists" USING btree ("user_id","symbol");--> statement-breakpoint
CREATE INDEX "watchlists_symbol_idx" ON "watchlists" USING btree ("symbol");