import { Global, Module } from '@nestjs/common';
import { SecretsRepository } from './secrets.repository';
import { SecretsService } from './secrets.service';

@Global()
@Module({ providers: [SecretsService, SecretsRepository], exports: [SecretsService] })
export class SecurityModule {}
