import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { DemoService } from './demo.service';

@ApiTags('demo')
@Controller('api/demo')
export class DemoController {
  constructor(private readonly demo: DemoService) {}

  @Public()
  @Get('accounts')
  @ApiOperation({ summary: 'Demo accounts for the sign-in screen (demo mode only; 404 otherwise)' })
  async accounts() {
    return { accounts: await this.demo.accounts() };
  }
}
