ALTER TABLE "stock_predictions" ADD COLUMN "short_term_low" numeric(18, 6);--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "short_term_high" numeric(18, 6);--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "medium_term_low" numeric(18, 6);--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "medium_term_high" numeric(18, 6);--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "long_term_low" numeric(18, 6);--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "long_term_high" numeric(18, 6);--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "as_of" date;--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "model_version" varchar(64);--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "model_source" varchar(16);--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "backtest" jsonb;--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "indicators" jsonb;--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "signals" jsonb;--> statement-breakpoint
ALTER TABLE "stock_predictions" ADD COLUMN "sentiment_source" varchar(16);