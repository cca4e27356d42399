DROP TABLE closure_days;
